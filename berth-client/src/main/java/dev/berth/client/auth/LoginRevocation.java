package dev.berth.client.auth;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.http.BoundedBody;
import dev.berth.client.http.Exchange;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Ends a login at the registry before its local copy is deleted, so that a copied config.json
 * stops working too: the identity (refresh) token is revoked in the spirit of RFC 7009.
 *
 * <pre>
 * GET  /v2/                          → 401 WWW-Authenticate: Bearer realm="…/token"
 * POST &lt;realm&gt;/revoke  token=…       → 200: revoked (or unknown, which is as good)
 *                                    → 404/405: this token server cannot revoke
 * </pre>
 *
 * The token goes only where a login's credentials may go: the registry's own token realm, over
 * HTTPS or on loopback.
 */
public final class LoginRevocation {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Exchange http;

  /** How it went, in words for the user. */
  public record Outcome(boolean revoked, String message) {}

  public LoginRevocation(HttpClient http) {
    this(Exchange.over(Objects.requireNonNull(http)));
  }

  public LoginRevocation(Exchange exchange) {
    this.http = Objects.requireNonNull(exchange);
  }

  /** Requests made on the calling thread, as {@link LoginCheck#LoginCheck()}'s. */
  public LoginRevocation() {
    this(Exchange.blocking());
  }

  /** @throws AuthenticationException when the registry or its token server cannot be reached or refuses */
  public Outcome revoke(RegistryEndpoint registry, String identityToken) throws AuthenticationException {
    URI ping = registry.v2("");
    HttpResponse<byte[]> first = send(registry, HttpRequest.newBuilder(ping).GET());
    if (first.statusCode() != 401) {
      return new Outcome(false, registry.host() + " asks for no login token, so there was none to revoke");
    }
    List<Challenge> challenges;
    try {
      challenges = Challenge.parse(first.headers().allValues("WWW-Authenticate"));
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL, registry.host() + " sent a " + e.getMessage());
    }
    String realm = challenges.stream().filter(c -> c.scheme().equals("bearer")).map(c -> c.param("realm"))
        .filter(Objects::nonNull).findFirst().orElse(null);
    if (realm == null) {
      return new Outcome(false, registry.host() + " does not use tokens, so there was none to revoke");
    }
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL, registry.host() + " named an invalid token realm: " + realm);
    }
    if (realmUri.getHost() == null || !("https".equals(realmUri.getScheme())
        || "http".equals(realmUri.getScheme()) && RegistryEndpoint.isLoopback(realmUri.getAuthority()))) {
      throw new AuthenticationException(AuthenticationException.Kind.INSECURE,
          "refusing to send the login token for " + registry.host() + " to " + realm + " over plain HTTP");
    }
    URI endpoint = URI.create(realmUri.getScheme() + "://" + realmUri.getRawAuthority()
        + (realmUri.getRawPath() == null ? "" : realmUri.getRawPath()) + "/revoke");
    String form = "token=" + URLEncoder.encode(identityToken, StandardCharsets.UTF_8)
        + "&token_type_hint=refresh_token&client_id=berth";
    HttpResponse<byte[]> answer = send(registry, HttpRequest.newBuilder(endpoint)
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .header("Content-Type", "application/x-www-form-urlencoded"));
    int status = answer.statusCode();
    if (status == 200) {
      return new Outcome(true, "Revoked the login token at " + registry.host());
    }
    if (status == 404 || status == 405) {
      return new Outcome(false, "the token server of " + registry.host() + " offers no revocation; the login token"
          + " stays valid until it expires");
    }
    throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL, "the token server of " + registry.host()
        + " did not revoke the login token: " + ErrorText.of(status, answer.body()));
  }

  private HttpResponse<byte[]> send(RegistryEndpoint registry, HttpRequest.Builder request) throws AuthenticationException {
    try {
      return http.send(request.timeout(TIMEOUT).build(), BoundedBody.SMALL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuthenticationException(AuthenticationException.Kind.UNREACHABLE, "interrupted while revoking the login at " + registry.host());
    } catch (InterruptedIOException e) {
      throw new AuthenticationException(AuthenticationException.Kind.UNREACHABLE, registry.host() + " did not answer in time");
    } catch (IOException e) {
      throw new AuthenticationException(AuthenticationException.Kind.UNREACHABLE, NetworkFailure.describe(e, registry.host()));
    }
  }
}
