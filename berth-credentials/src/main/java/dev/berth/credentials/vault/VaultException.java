package dev.berth.credentials.vault;

import java.io.IOException;

/**
 * The encrypted store cannot be used. The message is one line that names the file and what is
 * wrong with it, never a secret.
 */
public final class VaultException extends IOException {
  /** Why: locked (a passphrase is needed), unreadable (corrupt, truncated, wrong key), or other. */
  public enum Kind { LOCKED, WRONG_KEY, CORRUPT, IO }

  private final Kind kind;

  VaultException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  VaultException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
