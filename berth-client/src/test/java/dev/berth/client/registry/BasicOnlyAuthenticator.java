package dev.berth.client.registry;

import dev.berth.client.auth.Authenticator;
import dev.berth.credentials.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers only {@code Basic} challenges, with fixed credentials (or none). Enough for registries
 * with htpasswd auth; the full challenge authenticator (Bearer tokens) lives in the auth package.
 * The transport never sends the answer to another origin.
 */
public final class BasicOnlyAuthenticator implements Authenticator {
  private final Credentials credentials;

  public BasicOnlyAuthenticator(Optional<Credentials> credentials) {
    this.credentials = credentials.orElse(null);
  }

  @Override
  public Optional<String> authorize(List<String> challenges, String scope) {
    if (credentials == null) {
      return Optional.empty();
    }
    boolean basic = challenges.stream().anyMatch(c -> c.trim().toLowerCase(Locale.ROOT).startsWith("basic"));
    if (!basic) {
      return Optional.empty();
    }
    String pair = credentials.username() + ":" + credentials.secret();
    return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "BasicOnlyAuthenticator[" + credentials + "]";
  }
}
