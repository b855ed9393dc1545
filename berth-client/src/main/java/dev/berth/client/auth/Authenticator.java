package dev.berth.client.auth;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Answers a registry's 401 challenge. The transport calls it with the {@code WWW-Authenticate}
 * values it got and the access it needs; the answer is an {@code Authorization} header value for
 * the retry (Basic, or Bearer after a token exchange), or empty when there are no credentials.
 */
public interface Authenticator {
  /**
   * @param challenges the response's WWW-Authenticate header values
   * @param scope the access wanted, as a token scope: {@code repository:a/b:pull,push}, or null
   *     for the bare {@code /v2/} ping
   */
  Optional<String> authorize(List<String> challenges, String scope) throws IOException;
}
