package dev.berth.client.registry;

import java.io.IOException;

/**
 * A registry-to-registry copy failed on one side: reading the source or writing the target. Only
 * the copy knows which client made the failing call (both may name the same repository, and a
 * blob's source GET streams inside the target's PATCH), so it says so here rather than leaving
 * the caller to guess from the text. The failure itself is the side's own error, unchanged: a
 * {@link RegistryException} keeps its status and code, and the message is its message.
 */
public final class CopyException extends IOException {
  public enum Side { SOURCE, TARGET }

  /** What the failing call was about: a 404 means another thing for each. */
  public enum Item { MANIFEST, BLOB }

  private final Side side;
  private final Item item;
  private final IOException failure;

  public CopyException(Side side, Item item, IOException failure) {
    super(failure.getMessage(), failure);
    this.side = side;
    this.item = item;
    this.failure = failure;
  }

  public Side side() {
    return side;
  }

  public Item item() {
    return item;
  }

  /** What the side's call failed with. */
  public IOException failure() {
    return failure;
  }
}
