package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.http.BlockingHttp;
import dev.berth.client.http.BoundedBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one caller of registry endpoints. It owns:
 * <ul>
 *   <li>authentication: a 401 asks the {@link Authenticator} once (with the challenge and this
 *       repository's scope) and the request is retried once; a second 401, or no answer, fails at
 *       once with the registry's own message. No loops.</li>
 *   <li>redirects: followed only for calls that allow them (blob GETs), and the Authorization
 *       header never goes to another origin.</li>
 *   <li>other origins (a redirect, an upload {@code Location}): reached only over HTTPS, or HTTP on
 *       loopback, or with {@link TransportOptions#insecure()}: a blob never leaves over plain HTTP
 *       for a host the user did not name.</li>
 *   <li>limits: every body is read through {@link BoundedBody} (the call's size limit, the stall
 *       timeout, and the response timeout for bodies read into memory); headers must come within
 *       the response timeout, except after an upload.</li>
 *   <li>status → {@link RegistryException}, from the registry's JSON error body.</li>
 *   <li>retries: a call that may be repeated ({@link RegistryCall#retryable()}) is tried again
 *       after network failures, 429 and 5xx, as {@link TransportOptions#retry()} says, and each
 *       wait is announced ({@code Retrying in N seconds}). Blob transfers are not repeated here:
 *       {@link RegistryClient} resumes them where they broke off.</li>
 * </ul>
 */
public final class RegistryTransport {
  private static final int MAX_REDIRECTS = 5;

  private final HttpClient http;
  private final RegistryEndpoint endpoint;
  private final Authenticator authenticator;
  private final String scope;
  private final TransportOptions options;
  private volatile String authorization;
  private volatile RetryNotice notices = RetryNotice.SILENT;
  /** Whether the registry ever answered: until it has, an unreachable registry is not waited for. */
  private volatile boolean reached;

  /** Hears of each wait before a call is tried again. */
  public interface RetryNotice {
    RetryNotice SILENT = (wait, cause) -> { };

    void retrying(java.time.Duration wait, IOException cause);
  }

  public RegistryTransport(HttpClient http, RegistryEndpoint endpoint, Authenticator authenticator, String scope,
      TransportOptions options) {
    this.http = Objects.requireNonNull(http);
    this.endpoint = Objects.requireNonNull(endpoint);
    this.authenticator = Objects.requireNonNull(authenticator);
    this.scope = scope;
    this.options = Objects.requireNonNull(options);
  }

  /**
   * The same registry with more access asked for: {@code repository:other:pull} beside this
   * transport's scope (a cross-repository mount needs to read the source). Scopes are separated by
   * a space, as token servers take several {@code scope} parameters.
   */
  public RegistryTransport withExtraScope(String extra) {
    RegistryTransport t = new RegistryTransport(http, endpoint, authenticator, scope == null ? extra : scope + " " + extra, options);
    t.notices = notices;
    return t;
  }

  /** Where the waits of calls made without their own notice are announced. */
  public void onRetry(RetryNotice notice) {
    this.notices = Objects.requireNonNull(notice);
  }

  public TransportOptions options() {
    return options;
  }

  /** An HTTP client as the transport expects, with the default options. */
  public static HttpClient newHttpClient() {
    return TransportOptions.defaults().newHttpClient();
  }

  public RegistryEndpoint endpoint() {
    return endpoint;
  }

  /** Makes the call, trying again when it may (see the class comment). */
  public <T> T call(RegistryCall<T> call) throws IOException {
    return call(call, notices);
  }

  /** As {@link #call(RegistryCall)}, announcing waits to {@code notice}. */
  public <T> T call(RegistryCall<T> call, RetryNotice notice) throws IOException {
    Retries retries = new Retries(options.retry(), call.attempt());
    for (int attempt = 1; ; attempt++) {
      try {
        return once(call);
      } catch (IOException e) {
        // a registry that never answered is not there (a typo, a wrong port): say so at once;
        // one that went away mid-way may be restarting
        boolean absent = e instanceof RegistryUnreachableException && !reached;
        if (!call.retryable() || absent || !retries.again(e, attempt, notice)) {
          throw e;
        }
      }
    }
  }

  /** Sleeps between attempts; an interrupt ends the operation. */
  static void pause(java.time.Duration wait, String attempt) throws IOException {
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting to " + attempt + " again");
    }
  }

  /** Makes the call once: authentication and redirects, but no retry. */
  public <T> T once(RegistryCall<T> call) throws IOException {
    String sent = authorization; // what this request carries (other threads may change the field)
    HttpResponse<InputStream> response = send(call, call.uri(), sent);
    if (response.statusCode() == 401) {
      List<String> challenges = response.headers().allValues("WWW-Authenticate");
      RegistryException refusal = drainError(call, response);
      Optional<String> answer = authenticator.authorize(challenges, scope);
      if (answer.isEmpty() || answer.get().equals(sent)) {
        throw refusal; // nothing new to try: fail fast with the registry's message
      }
      sent = answer.get();
      authorization = sent;
      response = send(call, call.uri(), sent);
      if (response.statusCode() == 401) {
        throw drainError(call, response);
      }
    }
    response = followRedirects(call, response, sent);
    try (InputStream body = response.body()) {
      if (!call.accepts(response.statusCode())) {
        throw ErrorBodies.read(call.attempt(), response.statusCode(), body, response.headers());
      }
      return call.handle(response);
    }
  }

  private <T> HttpResponse<InputStream> followRedirects(RegistryCall<T> call, HttpResponse<InputStream> response,
      String sent) throws IOException {
    int hops = 0;
    while (call.followRedirects() && isRedirect(response.statusCode())) {
      if (++hops > MAX_REDIRECTS) {
        drain(response);
        throw new IOException("Tried to " + call.attempt() + " but failed because: too many redirects");
      }
      URI next;
      try {
        next = RegistryCall.location(response, call.attempt());
      } finally {
        drain(response); // also when the Location is missing or invalid: the connection is let go
      }
      // credentials belong to the registry's origin only; storage URLs carry their own signature
      String auth = sameOrigin(next, call.uri()) ? sent : null;
      response = send(new Redirected<>(call), next, auth);
    }
    return response;
  }

  private HttpResponse<InputStream> send(RegistryCall<?> call, URI uri, String auth) throws IOException {
    if (uri.getScheme() == null || uri.getHost() == null
        || !(uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("http"))) {
      throw new IOException("Tried to " + call.attempt() + " but failed because: the registry sent us to an invalid URL: " + uri);
    }
    boolean elsewhere = !sameOrigin(uri, endpoint.baseUri());
    if (elsewhere && uri.getScheme().equalsIgnoreCase("http") && !options.isLoopback(uri.getAuthority()) && !options.insecure()) {
      // a redirect or an upload Location: the content would cross a network in clear text
      throw new IOException("Tried to " + call.attempt() + " but failed because: the registry sent us to "
          + uri.getScheme() + "://" + uri.getAuthority() + ", another server over plain HTTP (allowed only with --insecure)");
    }
    if (call.streamsBody() && call.method().equals("GET")) {
      return sendBlocking(call, uri, auth, elsewhere);
    }
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(uri).method(call.method(), call.body());
    } catch (java.io.UncheckedIOException e) {
      throw new IOException("Tried to " + call.attempt() + " but failed because: " + e.getCause().getMessage(), e.getCause());
    }
    call.headers().forEach(builder::header);
    if (!call.sendsBlob()) {
      builder.timeout(options.responseTimeout());
    }
    // an upload Location may point elsewhere: credentials go to the registry's own origin only
    if (auth != null && !elsewhere) {
      builder.header("Authorization", auth);
    }
    HttpResponse.BodyHandler<InputStream> body = BoundedBody.handler(uri.getAuthority(), call.attempt(), call.bodyLimit(),
        options.stallTimeout(), call.streamsBody() ? null : options.responseTimeout());
    try {
      HttpResponse<InputStream> response = http.send(builder.build(), body);
      if (!elsewhere) {
        reached = true;
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while trying to " + call.attempt(), e);
    } catch (IOException e) {
      throw unreachable(call, uri, e);
    }
  }

  /**
   * A blob download, read by this thread from its socket ({@link BlockingHttp#get}: measured at 0.88 s
   * per GiB against 1.46 s through the HTTP client's hand-offs), with the same rules as
   * {@link #send}: credentials only to the registry's own origin, the same TLS context.
   */
  private HttpResponse<InputStream> sendBlocking(RegistryCall<?> call, URI uri, String auth, boolean elsewhere)
      throws IOException {
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(call.headers());
    if (auth != null && !elsewhere) {
      headers.put("Authorization", auth);
    }
    try {
      HttpResponse<InputStream> response = BlockingHttp.get(uri, headers, () -> http.sslContext().getSocketFactory(),
          options.connectTimeout(), options.responseTimeout(), uri.getAuthority(), call.attempt(), call.bodyLimit(),
          options.stallTimeout());
      if (!elsewhere) {
        reached = true;
      }
      return response;
    } catch (IOException e) {
      throw unreachable(call, uri, e);
    } catch (IllegalStateException e) {
      // a deferred TLS context that could not be made (DeferredTls): say which, in one line
      throw new IOException("Tried to " + call.attempt() + " but failed because: " + e.getMessage(), e);
    }
  }

  private IOException unreachable(RegistryCall<?> call, URI uri, IOException e) {
    if (e instanceof java.io.InterruptedIOException) {
      return e;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return new RegistryUnreachableException(RegistryUnreachableException.Kind.UNKNOWN_HOST,
            "unknown registry host: " + uri.getHost() + " (tried to " + call.attempt() + ")");
      }
    }
    java.util.Optional<String> tls = dev.berth.client.tls.TlsFailure.describe(e, uri.getAuthority(), options.certsDirectories());
    if (tls.isPresent()) {
      return new RegistryUnreachableException(RegistryUnreachableException.Kind.TLS, tls.get());
    }
    if (e instanceof java.net.http.HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
      return new RegistryUnreachableException(RegistryUnreachableException.Kind.TIMEOUT, "Tried to " + call.attempt()
          + " but failed because: registry " + uri.getAuthority() + " did not answer in time");
    }
    if (e instanceof HttpConnectTimeoutException) {
      return new RegistryUnreachableException(RegistryUnreachableException.Kind.TIMEOUT,
          "timed out connecting to registry " + uri.getAuthority() + " (tried to " + call.attempt() + ")");
    }
    if (e instanceof ConnectException) {
      return new RegistryUnreachableException(RegistryUnreachableException.Kind.REFUSED, "cannot connect to registry "
          + uri.getAuthority() + ": connection refused (tried to " + call.attempt() + ")");
    }
    String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return new RegistryUnreachableException(RegistryUnreachableException.Kind.BROKEN,
        "Tried to " + call.attempt() + " but failed because: " + why);
  }

  private static RegistryException drainError(RegistryCall<?> call, HttpResponse<InputStream> response) throws IOException {
    try (InputStream body = response.body()) {
      return ErrorBodies.read(call.attempt(), response.statusCode(), body, response.headers());
    }
  }

  /** Reads what little a redirect has (so the connection can be reused), never more than its limit. */
  private static void drain(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      body.skip(BoundedBody.ERROR_BODY);
    } catch (IOException e) {
      // too big, too slow or broken: the connection is dropped instead, which is all we lose
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** A redirected blob GET: same call and limits, but the request body is always empty. */
  private record Redirected<T>(RegistryCall<T> call) implements RegistryCall<T> {
    @Override
    public String attempt() {
      return call.attempt();
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public URI uri() {
      return call.uri();
    }

    @Override
    public java.util.Map<String, String> headers() {
      return call.headers(); // a Range must reach the storage too
    }

    @Override
    public boolean accepts(int status) {
      return call.accepts(status);
    }

    @Override
    public BoundedBody.Limit bodyLimit() {
      return call.bodyLimit();
    }

    @Override
    public boolean streamsBody() {
      return call.streamsBody();
    }

    @Override
    public T handle(HttpResponse<InputStream> response) throws IOException {
      return call.handle(response);
    }
  }
}
