package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
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
import java.time.Duration;
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
 *   <li>status → {@link RegistryException}, from the registry's JSON error body.</li>
 * </ul>
 */
public final class RegistryTransport {
  private static final int MAX_REDIRECTS = 5;

  private final HttpClient http;
  private final RegistryEndpoint endpoint;
  private final Authenticator authenticator;
  private final String scope;
  private volatile String authorization;

  public RegistryTransport(HttpClient http, RegistryEndpoint endpoint, Authenticator authenticator, String scope) {
    this.http = Objects.requireNonNull(http);
    this.endpoint = Objects.requireNonNull(endpoint);
    this.authenticator = Objects.requireNonNull(authenticator);
    this.scope = scope;
  }

  /** An HTTP client as the transport expects: no automatic redirects (we decide where auth goes). */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  public RegistryEndpoint endpoint() {
    return endpoint;
  }

  public <T> T call(RegistryCall<T> call) throws IOException {
    HttpResponse<InputStream> response = send(call, call.uri(), authorization);
    if (response.statusCode() == 401) {
      List<String> challenges = response.headers().allValues("WWW-Authenticate");
      RegistryException refusal = drainError(call, response);
      Optional<String> answer = authenticator.authorize(challenges, scope);
      if (answer.isEmpty() || answer.get().equals(authorization)) {
        throw refusal; // nothing new to try: fail fast with the registry's message
      }
      authorization = answer.get();
      response = send(call, call.uri(), authorization);
      if (response.statusCode() == 401) {
        authorization = null;
        throw drainError(call, response);
      }
    }
    response = followRedirects(call, response);
    try (InputStream body = response.body()) {
      if (!call.accepts(response.statusCode())) {
        throw ErrorBodies.read(call.attempt(), response.statusCode(), body);
      }
      return call.handle(response);
    }
  }

  private <T> HttpResponse<InputStream> followRedirects(RegistryCall<T> call, HttpResponse<InputStream> response)
      throws IOException {
    int hops = 0;
    while (call.followRedirects() && isRedirect(response.statusCode())) {
      if (++hops > MAX_REDIRECTS) {
        drain(response);
        throw new IOException("Tried to " + call.attempt() + " but failed because: too many redirects");
      }
      URI next = RegistryCall.location(response, call.attempt());
      drain(response);
      // credentials belong to the registry's origin only; storage URLs carry their own signature
      String auth = sameOrigin(next, call.uri()) ? authorization : null;
      if (!sameOrigin(next, call.uri()) && next.getScheme().equals("http") && !RegistryEndpoint.isLoopback(next.getAuthority())) {
        throw new IOException("Tried to " + call.attempt() + " but failed because: the registry redirected to plain HTTP: " + next.getHost());
      }
      response = send(new Redirected<>(call), next, auth);
    }
    return response;
  }

  private HttpResponse<InputStream> send(RegistryCall<?> call, URI uri, String auth) throws IOException {
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(uri).method(call.method(), call.body());
    } catch (java.io.UncheckedIOException e) {
      throw new IOException("Tried to " + call.attempt() + " but failed because: " + e.getCause().getMessage(), e.getCause());
    }
    call.headers().forEach(builder::header);
    if (call.timeout() != null) {
      builder.timeout(call.timeout());
    }
    // an upload Location may point elsewhere: credentials go to the registry's own origin only
    if (auth != null && sameOrigin(uri, endpoint.baseUri())) {
      builder.header("Authorization", auth);
    }
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while trying to " + call.attempt(), e);
    } catch (IOException e) {
      throw unreachable(call, uri, e);
    }
  }

  private IOException unreachable(RegistryCall<?> call, URI uri, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return new RegistryUnreachableException("unknown registry host: " + uri.getHost()
            + " (tried to " + call.attempt() + ")");
      }
    }
    if (e instanceof java.net.http.HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
      return new RegistryUnreachableException("Tried to " + call.attempt() + " but failed because: registry "
          + uri.getAuthority() + " did not answer in time");
    }
    if (e instanceof HttpConnectTimeoutException) {
      return new RegistryUnreachableException("timed out connecting to registry " + uri.getAuthority()
          + " (tried to " + call.attempt() + ")");
    }
    if (e instanceof ConnectException) {
      return new RegistryUnreachableException("cannot connect to registry " + uri.getAuthority()
          + ": connection refused (tried to " + call.attempt() + ")");
    }
    String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return new RegistryUnreachableException("Tried to " + call.attempt() + " but failed because: " + why);
  }

  private static RegistryException drainError(RegistryCall<?> call, HttpResponse<InputStream> response) throws IOException {
    try (InputStream body = response.body()) {
      return ErrorBodies.read(call.attempt(), response.statusCode(), body);
    }
  }

  private static void drain(HttpResponse<InputStream> response) throws IOException {
    try (InputStream body = response.body()) {
      body.skip(Long.MAX_VALUE);
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

  /** A redirected blob GET: same call, but the body is always empty. */
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
    public T handle(HttpResponse<InputStream> response) throws IOException {
      return call.handle(response);
    }
  }
}
