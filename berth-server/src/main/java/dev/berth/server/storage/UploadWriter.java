package dev.berth.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Appends one request's bytes to an upload session, hashing them on the way. Not thread-safe: one
 * request writes at a time (the store enforces it), and {@link #close()} must always be called.
 */
public final class UploadWriter implements AutoCloseable {
  private final FileChannel channel;
  private final UploadStore.HashState state;
  private final long start;
  private long written;
  private boolean failed;

  UploadWriter(FileChannel channel, UploadStore.HashState state, long start) {
    this.channel = channel;
    this.state = state;
    this.start = start;
  }

  /** Writes all of {@code bytes} (consumed); a failure leaves the session to be re-hashed. */
  public void write(ByteBuffer bytes) {
    ByteBuffer forHash = bytes.duplicate();
    try {
      int n = bytes.remaining();
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      state.hasher.update(forHash);
      written += n;
    } catch (IOException e) {
      failed = true;
      throw new UncheckedIOException("cannot write upload data: " + e.getMessage(), e);
    }
  }

  /** Offset of the session's data after this request's bytes. */
  public long offset() {
    return start + written;
  }

  public long written() {
    return written;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      failed = true;
    }
    state.offset = start + written;
    state.broken = failed;
    state.busy.set(false);
  }
}
