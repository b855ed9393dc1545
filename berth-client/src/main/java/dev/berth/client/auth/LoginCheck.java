package dev.berth.client.auth;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.http.BoundedBody;
import dev.berth.client.http.Exchange;
import dev.berth.credentials.Credentials;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks credentials against a registry before anything is stored, as {@code docker login} does:
 *
 * <pre>
 * GET /v2/                        → 200: the registry needs no login; nothing to check
 *                                 → 401 + WWW-Authenticate: answer the challenge (Basic, or a token)
 * GET /v2/ Authorization: …      → 200: the credentials work
 *                                 → 401: refused, with the registry's own words
 * </pre>
 */
public final class LoginCheck {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Exchange http;

  public LoginCheck(HttpClient http) {
    this(Exchange.over(Objects.requireNonNull(http)));
  }

  public LoginCheck(Exchange exchange) {
    this.http = Objects.requireNonNull(exchange);
  }

  /**
   * Requests made on the calling thread ({@link Exchange#blocking()}): a login makes three or four
   * and ends, and the JDK's HTTP client (built, its selector thread started) cost it about 30 ms more.
   */
  public LoginCheck() {
    this(Exchange.blocking());
  }

  /**
   * @return a refresh token the registry's token server issued for this login (docker keeps it as
   *     its identity token instead of the password), when it offers one
   * @throws AuthenticationException with a one-line message naming the registry: refused (the
   *     registry's error, e.g. {@code unauthorized: authentication required}), unreachable (unknown
   *     host, connection refused, TLS), or not a registry
   */
  public Optional<String> verify(RegistryEndpoint registry, Credentials credentials) throws AuthenticationException {
    URI ping = registry.v2("");
    HttpResponse<byte[]> first = get(registry, ping, null);
    if (first.statusCode() == 200) {
      return Optional.empty();
    }
    if (first.statusCode() != 401) {
      throw unexpected(registry, ping, first);
    }
    List<String> challenges = first.headers().allValues("WWW-Authenticate");
    if (challenges.isEmpty()) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
          "cannot log in to " + registry.host() + ": GET " + ping + " answered 401 without a WWW-Authenticate challenge");
    }
    Optional<String> answer;
    ChallengeAuthenticator authenticator = new ChallengeAuthenticator(registry, Optional.of(credentials), http, java.time.Clock.systemUTC());
    if (!credentials.username().equals(dev.berth.credentials.FileCredentialStore.TOKEN_USER)) {
      authenticator.offline(); // a login with a password asks for a revocable token to keep instead
    }
    try {
      answer = authenticator.authorize(challenges, null);
    } catch (AuthenticationException e) {
      throw new AuthenticationException(e.kind(), "cannot log in to " + registry.host() + ": " + e.getMessage());
    } catch (IOException e) {
      throw new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
          "cannot log in to " + registry.host() + ": " + e.getMessage());
    }
    if (answer.isEmpty()) {
      throw refused(registry, ping, first);
    }
    HttpResponse<byte[]> second = get(registry, ping, answer.get());
    if (second.statusCode() == 200) {
      return authenticator.refreshToken();
    }
    if (second.statusCode() == 401 || second.statusCode() == 403) {
      throw refused(registry, ping, second);
    }
    throw unexpected(registry, ping, second);
  }

  private HttpResponse<byte[]> get(RegistryEndpoint registry, URI uri, String authorization)
      throws AuthenticationException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(TIMEOUT);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), BoundedBody.SMALL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuthenticationException(AuthenticationException.Kind.UNREACHABLE,
          "login to " + registry.host() + " was interrupted");
    } catch (InterruptedIOException e) {
      throw new AuthenticationException(AuthenticationException.Kind.UNREACHABLE,
          "cannot log in to " + registry.host() + ": " + registry.host() + " did not answer in time");
    } catch (IOException e) {
      throw new AuthenticationException(AuthenticationException.Kind.UNREACHABLE,
          "cannot log in to " + registry.host() + ": " + NetworkFailure.describe(e, registry.host()));
    }
  }

  private static AuthenticationException refused(RegistryEndpoint registry, URI ping, HttpResponse<byte[]> r) {
    return new AuthenticationException(AuthenticationException.Kind.REFUSED,
        "cannot log in to " + registry.host() + ": " + ErrorText.of(r.statusCode(), r.body())
            + " (GET " + ping + " answered " + r.statusCode() + ")");
  }

  private static AuthenticationException unexpected(RegistryEndpoint registry, URI ping, HttpResponse<byte[]> r) {
    String hint = r.statusCode() == 404 ? "; is it a registry (no /v2/ API)?" : "";
    return new AuthenticationException(AuthenticationException.Kind.PROTOCOL,
        "cannot log in to " + registry.host() + ": GET " + ping + " answered " + r.statusCode() + ": "
            + ErrorText.of(r.statusCode(), r.body()) + hint);
  }
}
