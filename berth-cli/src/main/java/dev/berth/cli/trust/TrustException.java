package dev.berth.cli.trust;

/** {@code berth trust} cannot go on; one line saying why. */
public final class TrustException extends RuntimeException {
  public TrustException(String message) {
    super(message, null, false, false);
  }
}
