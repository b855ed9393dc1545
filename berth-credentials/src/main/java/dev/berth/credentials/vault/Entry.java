package dev.berth.credentials.vault;

import java.util.Objects;

/**
 * One login in the store, as docker's helper protocol names it. A {@code username} of
 * {@value #TOKEN_USER} marks an identity token. {@link #toString()} never shows the secret.
 */
public record Entry(String serverUrl, String username, String secret) {
  public static final String TOKEN_USER = "<token>";

  public Entry {
    Objects.requireNonNull(serverUrl, "serverUrl");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
  }

  @Override
  public String toString() {
    return "Entry[serverUrl=" + serverUrl + ", username=" + username + ", secret=<redacted>]";
  }
}
