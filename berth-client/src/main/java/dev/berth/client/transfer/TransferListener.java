package dev.berth.client.transfer;

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
