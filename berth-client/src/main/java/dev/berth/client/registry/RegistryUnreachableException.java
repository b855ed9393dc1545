package dev.berth.client.registry;

import java.io.IOException;

/** The registry could not be reached, or the connection broke: unknown host, refused connection, TLS failure. */
public final class RegistryUnreachableException extends IOException {
  /** What went wrong, and so whether trying again can help. */
  public enum Kind {
    UNKNOWN_HOST(false), REFUSED(true), TIMEOUT(true), BROKEN(true), TLS(false);

    private final boolean transient_;

    Kind(boolean transient_) {
      this.transient_ = transient_;
    }

    /** Whether the same request may work a little later. */
    public boolean transient_() {
      return transient_;
    }
  }

  private final Kind kind;

  public RegistryUnreachableException(String message) {
    this(Kind.BROKEN, message);
  }

  public RegistryUnreachableException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
