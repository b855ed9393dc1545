package dev.berth.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Appends one request's bytes to an upload session, hashing them on the way. One request writes
 * at a time (the store enforces it), and {@link #close()} must always be called.
 *
 * <p>{@link #write} does both halves on the calling thread. A caller that wants the two on two
 * cores may instead call {@link #writeData} from one thread and {@link #hash} from another, each
 * with the same bytes in the same order, and call {@link #close()} once both are done.
 */
public final class UploadWriter implements AutoCloseable {
  private final DataAppender data;
  private final UploadStore.HashState state;
  private final long start;
  private long written;
  private boolean failed;

  UploadWriter(DataAppender data, UploadStore.HashState state, long start) {
    this.data = data;
    this.state = state;
    this.start = start;
  }

  /** Writes and hashes all of {@code bytes} (consumed); a failure leaves the session to be re-hashed. */
  public void write(ByteBuffer bytes) {
    ByteBuffer forHash = bytes.duplicate();
    writeData(bytes);
    hash(forHash);
  }

  /** The file half of {@link #write}: appends all of {@code bytes} (consumed) without hashing them. */
  public void writeData(ByteBuffer bytes) {
    try {
      int n = bytes.remaining();
      data.append(bytes);
      written += n;
    } catch (IOException e) {
      failed = true;
      throw new UncheckedIOException("cannot write upload data: " + e.getMessage(), e);
    }
  }

  /** The digest half of {@link #write}: feeds {@code bytes} (consumed) to the session's SHA-256. */
  public void hash(ByteBuffer bytes) {
    state.hasher.update(bytes);
  }

  /** Marks the session for re-hashing from its file (bytes were written but not all hashed). */
  public void markBroken() {
    failed = true;
  }

  /** Offset of the session's data after this request's bytes. */
  public long offset() {
    return start + written;
  }

  public long written() {
    return written;
  }

  /** Early flushes this writer started (for tests). */
  int flushes() {
    return data.flushes();
  }

  @Override
  public void close() {
    try {
      data.close();
    } catch (IOException | RuntimeException e) {
      failed = true; // written bytes may be lost: the session is re-hashed from what the file holds
    }
    state.offset = start + written;
    state.broken = failed;
    state.busy.set(false);
  }
}
