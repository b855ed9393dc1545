package dev.berth.client.transfer;

import dev.berth.client.registry.BlobProgress;
import dev.berth.client.registry.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What push, pull and copy report as they go, for the CLI to draw: lines of their own, and the
 * state of each blob (docker's wording: {@code Pushing}, {@code Layer already exists},
 * {@code Downloading}, {@code Pull complete}, {@code Retrying in 2 seconds}). Blob events come
 * from the worker threads, several at once.
 */
public interface TransferListener {
  TransferListener SILENT = new TransferListener() {
    @Override
    public void line(String text) {}

    @Override
    public void blob(BlobEvent event) {}
  };

  /** A line that stands alone: {@code The push refers to repository [...]}, {@code Digest: ...}. */
  void line(String text);

  /** A blob (shown by its short id) changed state or made progress. */
  void blob(BlobEvent event);

  /**
   * Something the user must hear even with {@code --quiet}: what is sent is not what the image
   * is (one platform of a multi-platform index). By default a line like the others.
   */
  default void warning(String text) {
    line(text);
  }

  /**
   * How one blob's transfer is reported: {@code verb} with its bytes ({@code Downloading},
   * {@code Pushing}, {@code Copying}) and each wait before a retry; nothing for a blob shown by no
   * id (a config).
   */
  default BlobProgress progressOf(String id, String verb, long size) {
    if (id == null) {
      return BlobProgress.NONE;
    }
    return new BlobProgress() {
      @Override
      public void transferred(long bytes) {
        blob(BlobEvent.progress(id, verb, bytes, size));
      }

      @Override
      public void retrying(Duration wait, IOException cause) {
        blob(new BlobEvent(id, RetryPolicy.retrying(wait), BlobEvent.Kind.RETRYING, 0, size));
      }
    };
  }

  /**
   * docker's output when it is not on a terminal: each line, and each blob's outcome and retries
   * as {@code <id>: <status>}, without the progress in between.
   */
  static TransferListener plain(Consumer<String> out) {
    return new TransferListener() {
      @Override
      public void line(String text) {
        out.accept(text);
      }

      @Override
      public void blob(BlobEvent event) {
        if (event.kind() == BlobEvent.Kind.DONE || event.kind() == BlobEvent.Kind.RETRYING) {
          out.accept(event.id() + ": " + event.status());
        }
      }
    };
  }
}
