package dev.berth.credentials;

import java.util.Objects;

/**
 * A user name and a secret (a password, or an identity token when {@code username} is
 * {@code <token>} as docker stores it). {@link #toString()} never shows the secret, so a stray log
 * line or exception message cannot leak it.
 */
public record Credentials(String username, String secret) {
  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", secret=<redacted>]";
  }
}
