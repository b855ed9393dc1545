package dev.berth.client.store;

import dev.berth.model.Digest;

/** Content did not hash to what it claimed; nothing of it was kept. */
public final class DigestMismatchException extends StoreException {
  public DigestMismatchException(Digest expected, Digest actual) {
    super("digest mismatch: expected " + expected + " but the content hashes to " + actual);
  }

  public DigestMismatchException(String message) {
    super(message);
  }
}
