package dev.berth.client.store;

import dev.berth.model.Digest;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A blob on its way into the store, verified as it is written: bytes are hashed as they arrive,
 * and the blob becomes visible (fsynced, renamed to its digest) only if all of it hashes to the
 * expected digest and size. It survives a broken download: {@link #written()} says where to
 * resume, and the hash goes on from there. Closing it without {@link #commit()} leaves nothing.
 */
public final class BlobWriter implements AutoCloseable {
  private final ImageStore store;
  private final Digest expected;
  private final long expectedSize;
  private final AtomicWrite temp;
  private final DirectAppender out;
  /** For a gzip layer: its unpacked size, counted as it is written; else null. */
  private final GzipMeter meter;
  private MessageDigest hasher;
  private long written;

  BlobWriter(ImageStore store, Digest expected, long expectedSize, boolean measureGzip) throws IOException {
    this.store = store;
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.temp = store.newTempFile();
    this.out = new DirectAppender(temp.path(), expectedSize < 0 || expectedSize > DirectAppender.DIRECT_AFTER);
    this.hasher = expected.newHasher();
    this.meter = measureGzip ? new GzipMeter() : null;
  }

  /** The size the blob must have, or -1 when not known. */
  public long expectedSize() {
    return expectedSize;
  }

  /** Bytes received so far: where a resumed download starts. */
  public long written() {
    return written;
  }

  /** Appends and hashes {@code len} bytes; refuses (keeping nothing of them) a byte beyond the expected size. */
  public void write(byte[] b, int off, int len) throws IOException {
    if (expectedSize >= 0 && written + len > expectedSize) {
      throw new DigestMismatchException("the content is larger than the expected " + expectedSize + " bytes");
    }
    hasher.update(b, off, len);
    if (meter != null) {
      meter.update(b, off, len);
    }
    out.append(ByteBuffer.wrap(b, off, len));
    written += len;
  }

  /** As {@link #write(byte[], int, int)}, for the remaining bytes of a heap buffer (consumed). */
  public void write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    write(src.array(), src.arrayOffset() + src.position(), n);
    src.position(src.position() + n);
  }

  /** Starts over from the first byte (the server sent the whole blob instead of the range asked for). */
  public void restart() throws IOException {
    out.truncate();
    hasher = expected.newHasher();
    if (meter != null) {
      meter.reset();
    }
    written = 0;
  }

  /** Verifies size and digest, makes the blob durable and visible under its digest. */
  public StoredBlob commit() throws IOException {
    Digest actual = Digest.fromHash(expected.algorithm(), hasher.digest());
    if (expectedSize >= 0 && expectedSize != written) {
      throw new DigestMismatchException("blob " + expected + " has " + written + " bytes, expected " + expectedSize);
    }
    if (!expected.equals(actual)) {
      throw new DigestMismatchException(expected, actual);
    }
    out.finish();
    out.close();
    Path target = store.blobPath(actual);
    if (!Files.exists(target)) {
      AtomicWrite.createDirectories(target.getParent());
      temp.commit(target); // the appender made the file durable; the rename and its directory follow
    }
    temp.close(); // gone, unless it became the blob
    if (meter != null && meter.unpackedSize().isPresent()) {
      try {
        new UnpackedSizes(store).remember(actual, meter.unpackedSize().getAsLong());
      } catch (IOException e) {
        // only a cache: the size is measured again when it is asked for
      }
    }
    return new StoredBlob(actual, written);
  }

  @Override
  public void close() throws IOException {
    if (meter != null) {
      meter.close();
    }
    try {
      out.close();
    } finally {
      temp.close(); // nothing is left of a blob that was not committed
    }
  }
}
