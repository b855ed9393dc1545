package dev.berth.client.auth;

import dev.berth.client.HttpClients;
import dev.berth.client.RegistryEndpoint;
import dev.berth.client.http.BoundedBody;
import dev.berth.client.http.Exchange;
import dev.berth.client.image.Json;
import dev.berth.credentials.Credentials;
import dev.berth.credentials.DockerCredentials;
import dev.berth.credentials.FileCredentialStore;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers a registry's 401 the way docker does.
 *
 * <ul>
 *   <li>{@code Bearer realm=…,service=…}: fetches a token from the realm ({@code GET
 *       realm?service=&scope=}, with Basic credentials or anonymously; an identity token is
 *       exchanged by {@code POST grant_type=refresh_token}) and answers {@code Bearer TOKEN}.
 *       A realm that does not take GET (404 or 405) gets the OAuth2 password grant instead
 *       ({@code POST grant_type=password}), and {@link #forceOAuth2()} uses that from the start
 *       (falling back to GET on a 404, as docker does). Tokens are cached per realm, service and
 *       scope until shortly before they expire. When the registry calls one {@code invalid_token}
 *       or {@code insufficient_scope}, a new one is fetched (the transport tries once with it). A
 *       {@code scope} the challenge names is asked for along with the caller's; the caller may ask
 *       for several, separated by spaces.
 *   <li>{@code Basic}: answers with the credentials; without credentials there is no answer.
 * </ul>
 *
 * Bearer is preferred when a registry offers both. Credentials go only to the registry itself (the
 * Basic answer is for its origin) and to a token realm reached over HTTPS or on loopback: a
 * plain-HTTP realm elsewhere is refused rather than handed a password.
 */
public final class ChallengeAuthenticator implements Authenticator {
  /** The token spec's default lifetime when a server does not say. */
  private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  private static final Duration SAFETY_MARGIN = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final RegistryEndpoint registry;
  private final Credentials credentials;
  private final Exchange http;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private volatile boolean offline;
  private volatile boolean forceOAuth2;
  private volatile boolean insecure;
  private volatile java.util.function.Predicate<String> loopback = RegistryEndpoint::isLoopback;
  private volatile String refreshToken;
  /** Realms that refused GET: they get the OAuth2 POST from then on. */
  private final java.util.Set<String> postOnly = ConcurrentHashMap.newKeySet();

  private record Token(String value, Instant expires) {}

  /**
   * @param http a client that does not follow redirects ({@code Redirect.NEVER}), so credentials
   *     cannot be carried to another server behind this class's back
   */
  public ChallengeAuthenticator(RegistryEndpoint registry, Optional<Credentials> credentials, HttpClient http) {
    this(registry, credentials, http, Clock.systemUTC());
  }

  public ChallengeAuthenticator(RegistryEndpoint registry, Optional<Credentials> credentials, HttpClient http, Clock clock) {
    this(registry, credentials, Exchange.over(Objects.requireNonNull(http)), clock);
  }

  /** Token requests sent through {@code exchange} (which must not follow redirects either). */
  public ChallengeAuthenticator(RegistryEndpoint registry, Optional<Credentials> credentials, Exchange exchange, Clock clock) {
    this.registry = Objects.requireNonNull(registry);
    this.credentials = credentials.orElse(null);
    this.http = Objects.requireNonNull(exchange);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * The authenticator for a registry with the credentials docker's config holds for it (helpers,
   * then {@code auths}; see {@link DockerCredentials}); anonymous when there are none.
   *
   * @throws IOException when config.json cannot be read
   */
  public static ChallengeAuthenticator forRegistry(RegistryEndpoint registry, DockerCredentials credentials, HttpClient http)
      throws IOException {
    return new ChallengeAuthenticator(registry, credentials.lookup(registry.host()), http);
  }

  /**
   * A client fit for token requests: no redirects, HTTP/1.1, bounded connect time, and TLS set up
   * only when a connection needs it (see {@link HttpClients}).
   */
  public static HttpClient defaultHttpClient() {
    return HttpClients.newClient();
  }

  public boolean hasCredentials() {
    return credentials != null;
  }

  /**
   * Asks token servers for a refresh token along with the access token ({@code offline_token=true},
   * as {@code docker login} does), for a login to keep instead of the password.
   */
  public ChallengeAuthenticator offline() {
    this.offline = true;
    return this;
  }

  /**
   * Fetches tokens with the OAuth2 password grant ({@code POST grant_type=password}) rather than
   * a GET with Basic credentials, as containers/image and docker do when told to; a realm that
   * answers 404 to the POST still gets the GET.
   */
  public ChallengeAuthenticator forceOAuth2() {
    this.forceOAuth2 = true;
    return this;
  }

  /**
   * Allows credentials to go to a plain-HTTP token realm that is not on loopback (the user
   * said {@code --insecure}).
   */
  public ChallengeAuthenticator insecure(boolean allow) {
    this.insecure = allow;
    return this;
  }

  /** Tests only: which hosts count as loopback (two loopback addresses stand for two machines). */
  public ChallengeAuthenticator withLoopback(java.util.function.Predicate<String> isLoopback) {
    this.loopback = isLoopback;
    return this;
  }

  /** The refresh token a token server handed out after {@link #offline()}, if any. */
  public Optional<String> refreshToken() {
    return Optional.ofNullable(refreshToken);
  }

  @Override
  public Optional<String> authorize(List<String> challenges, String scope) throws IOException {
    List<Challenge> parsed;
    try {
      parsed = Challenge.parse(challenges);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
          registry.host() + " sent a " + e.getMessage());
    }
    for (Challenge c : parsed) {
      if (c.scheme().equals("bearer")) {
        return Optional.of("Bearer " + token(c, scope));
      }
    }
    for (Challenge c : parsed) {
      if (c.scheme().equals("basic")) {
        return credentials == null ? Optional.empty() : Optional.of(basic(credentials));
      }
    }
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    StringJoiner schemes = new StringJoiner(", ");
    parsed.forEach(c -> schemes.add(c.scheme()));
    throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
        registry.host() + " asks for an authentication scheme Berth does not support: " + schemes);
  }

  static String basic(Credentials c) {
    String pair = c.username() + ":" + c.secret();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private String token(Challenge challenge, String scope) throws IOException {
    String realm = challenge.param("realm");
    if (realm == null || realm.isEmpty()) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
          registry.host() + " asked for a Bearer token but named no realm to get it from");
    }
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
          registry.host() + " named an invalid token realm: " + realm);
    }
    if (realmUri.getScheme() == null || realmUri.getHost() == null
        || !(realmUri.getScheme().equals("https") || realmUri.getScheme().equals("http"))) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
          registry.host() + " named an invalid token realm: " + realm);
    }
    String service = challenge.param("service");
    // the registry may name the access it wants (distribution does); ask for ours and for that
    List<String> scopes = new java.util.ArrayList<>();
    addScopes(scopes, scope);
    addScopes(scopes, challenge.param("scope"));
    String cacheKey = realm + "\n" + service + "\n" + scopes;
    String error = challenge.param("error");
    if ("invalid_token".equals(error) || "insufficient_scope".equals(error)) {
      // revoked, expired early, or short of access: the cached one is no good, ask again (once:
      // the transport does not come back a second time)
      tokens.remove(cacheKey);
    }
    Token cached = tokens.get(cacheKey);
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.expires())) {
      return cached.value();
    }
    if (credentials != null && realmUri.getScheme().equals("http") && !loopback.test(realmUri.getAuthority())
        && !insecure) {
      throw new AuthenticationException(AuthenticationException.Kind.INSECURE,
          "refusing to send credentials for " + registry.host() + " to token server " + realm
              + " over plain HTTP");
    }
    Token fresh = fetch(realmUri, service, scopes, now);
    tokens.put(cacheKey, fresh);
    return fresh.value();
  }

  private Token fetch(URI realm, String service, List<String> scopes, Instant now) throws IOException {
    StringJoiner query = new StringJoiner("&");
    if (service != null) {
      query.add("service=" + encode(service));
    }
    for (String scope : scopes) {
      query.add("scope=" + encode(scope));
    }
    boolean identityToken = credentials != null && credentials.username().equals(FileCredentialStore.TOKEN_USER);
    boolean password = credentials != null && !identityToken;
    String realmKey = realm.toString();
    HttpResponse<byte[]> response;
    if (identityToken) {
      // an identity token is an OAuth2 refresh token: exchange it, never send it as a password
      response = post(realm, query + (query.length() > 0 ? "&" : "") + "grant_type=refresh_token&client_id=berth&refresh_token="
          + encode(credentials.secret()));
    } else if (password && (forceOAuth2 || postOnly.contains(realmKey))) {
      response = post(realm, passwordGrant(query));
      if (response.statusCode() == 404 && !postOnly.contains(realmKey)) {
        response = get(realm, query); // no OAuth2 endpoint there (as docker falls back)
      }
    } else {
      response = get(realm, query);
      if (password && (response.statusCode() == 404 || response.statusCode() == 405)) {
        // a realm that only speaks OAuth2: the password grant, from now on
        postOnly.add(realmKey);
        response = post(realm, passwordGrant(query));
      }
    }
    int status = response.statusCode();
    if (status != 200) {
      // a token server that is busy or down may be back soon: that is worth another try
      AuthenticationException.Kind kind = status == 401 || status == 403 ? AuthenticationException.Kind.REFUSED
          : status == 429 || status >= 500 ? AuthenticationException.Kind.UNREACHABLE : AuthenticationException.Kind.PROTOCOL;
      throw new AuthenticationException(kind, "token server " + realm.getAuthority() + " refused a token for "
          + registry.host() + ": " + ErrorText.of(status, response.body()));
    }
    Map<String, Object> body;
    try {
      body = Json.parseObject(response.body(), "token answer"); // not Jackson: see Json
    } catch (IOException e) {
      body = Map.of();
    }
    Object value = body.get("token") instanceof String t && !t.isEmpty() ? t : body.get("access_token");
    if (!(value instanceof String token) || token.isEmpty()) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
          "token server " + realm.getAuthority() + " answered without a token for " + registry.host());
    }
    if (offline && body.get("refresh_token") instanceof String refresh && !refresh.isEmpty()) {
      refreshToken = refresh;
    }
    Duration lifetime = DEFAULT_LIFETIME;
    if (body.get("expires_in") instanceof Number n && n.longValue() > DEFAULT_LIFETIME.toSeconds()) {
      lifetime = Duration.ofSeconds(n.longValue());
    }
    return new Token(token, now.plus(lifetime).minus(SAFETY_MARGIN));
  }

  /** The OAuth2 password grant's form (the password goes in the body, never the URL). */
  private String passwordGrant(StringJoiner query) {
    String form = query + (query.length() > 0 ? "&" : "") + "grant_type=password&client_id=berth&username="
        + encode(credentials.username()) + "&password=" + encode(credentials.secret());
    return offline ? form + "&access_type=offline" : form;
  }

  // GET realm?service=&scope=, with Basic credentials when there are some
  private HttpResponse<byte[]> get(URI realm, StringJoiner query) throws IOException {
    StringJoiner q = new StringJoiner("&");
    if (query.length() > 0) {
      q.add(query.toString());
    }
    if (offline && credentials != null) {
      q.add("offline_token=true").add("client_id=berth").add("account=" + encode(credentials.username()));
    }
    String sep = realm.getRawQuery() == null ? "?" : "&";
    URI uri = q.length() == 0 ? realm : URI.create(realm + sep + q);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    if (credentials != null && !credentials.username().equals(FileCredentialStore.TOKEN_USER)) {
      request.header("Authorization", basic(credentials));
    }
    return send(realm, request);
  }

  // POST realm, form-encoded (OAuth2)
  private HttpResponse<byte[]> post(URI realm, String form) throws IOException {
    return send(realm, HttpRequest.newBuilder(realm).POST(HttpRequest.BodyPublishers.ofString(form))
        .header("Content-Type", "application/x-www-form-urlencoded"));
  }

  private HttpResponse<byte[]> send(URI realm, HttpRequest.Builder request) throws IOException {
    request.timeout(TIMEOUT).header("Accept", "application/json");
    try {
      return http.send(request.build(), BoundedBody.SMALL); // a token, never an endless body
    } catch (IOException e) {
      throw new AuthenticationException(AuthenticationException.Kind.UNREACHABLE,
          "cannot get a token for " + registry.host() + " from " + realm.getAuthority() + ": "
              + NetworkFailure.describe(e, realm.getAuthority()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while getting a token for " + registry.host());
    }
  }

  /** Adds each scope of a space-separated list (null: none) not already there. */
  private static void addScopes(List<String> scopes, String list) {
    if (list != null) {
      for (String s : list.split(" ")) {
        if (!s.isEmpty() && !scopes.contains(s)) {
          scopes.add(s);
        }
      }
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ChallengeAuthenticator[" + registry.host() + ", " + credentials + "]";
  }
}
