package dev.berth.server.auth;

import java.util.List;

/**
 * Who a request (or a token request) is, once its credentials are checked.
 *
 * @param subject the user; null for a client without credentials
 * @param limits what a personal access token narrows the user's rights to; empty: no narrowing
 * @param tokenId the refresh token or personal access token the credentials came from, so that
 *     revoking it also voids the access tokens minted from it; null for a password
 */
public record Identity(String subject, List<ScopePattern> limits, String tokenId) {
  public static final Identity ANONYMOUS = new Identity(null, List.of(), null);

  public Identity {
    limits = List.copyOf(limits);
  }

  public static Identity user(String subject) {
    return new Identity(subject, List.of(), null);
  }

  public boolean anonymous() {
    return subject == null;
  }
}
