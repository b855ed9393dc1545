package dev.berth.server.auth.store;

/** The auth state could not be read or written; the message says what was being done and where. */
public final class AuthStoreException extends RuntimeException {
  public AuthStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
