package dev.berth.client.registry;

import java.io.IOException;
import java.time.Duration;

/** What a blob transfer reports while it runs; called from the thread doing it. */
public interface BlobProgress {
  BlobProgress NONE = new BlobProgress() {};

  /** {@code bytes} of the blob are done (counted from its first byte, also after a resume). */
  default void transferred(long bytes) {}

  /** The transfer broke off or was refused for now, and is tried again after {@code wait}. */
  default void retrying(Duration wait, IOException cause) {}
}
