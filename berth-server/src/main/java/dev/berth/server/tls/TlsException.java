package dev.berth.server.tls;

/** A certificate or key that cannot be used; the message names the file and the reason, in one line. */
public final class TlsException extends RuntimeException {
  public TlsException(String message) {
    super(message, null, false, false);
  }
}
