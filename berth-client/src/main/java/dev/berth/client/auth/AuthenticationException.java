package dev.berth.client.auth;

import java.io.IOException;

/**
 * Logging in or getting a token failed. The message is one line that names the registry (and the
 * token server when it was the one that refused) and says what the server answered; it never
 * holds a secret.
 */
public final class AuthenticationException extends IOException {
  /** Why: the server refused the credentials, could not be reached, or answered nonsense. */
  public enum Kind { REFUSED, UNREACHABLE, PROTOCOL, INSECURE }

  private final Kind kind;

  public AuthenticationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
