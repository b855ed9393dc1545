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

  // equals and hashCode written out: a record's own are bootstrapped (method handles spun) at
  // their first call, about 7 ms of a login that stores in the vault
  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && serverUrl.equals(e.serverUrl) && username.equals(e.username) && secret.equals(e.secret);
  }

  @Override
  public int hashCode() {
    return (serverUrl.hashCode() * 31 + username.hashCode()) * 31 + secret.hashCode();
  }

  @Override
  public String toString() {
    return "Entry[serverUrl=" + serverUrl + ", username=" + username + ", secret=<redacted>]";
  }
}
