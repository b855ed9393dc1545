package dev.berth.client.store;

import dev.berth.model.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.UUID;

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
  private final Path temp;
  private final DirectAppender out;
  /** For a gzip layer: its unpacked size, counted as it is written; else null. */
  private final GzipMeter meter;
  private static final int SCRATCH = 256 * 1024;
  private MessageDigest hasher;
  private byte[] scratch;
  private long written;
  private boolean committed;

  BlobWriter(ImageStore store, Digest expected, long expectedSize, boolean measureGzip) throws IOException {
    this.store = store;
    this.expected = expected;
    this.expectedSize = expectedSize;
    Path dir = store.root().resolve(".tmp");
    Files.createDirectories(dir);
    this.temp = dir.resolve(UUID.randomUUID() + ".tmp");
    this.out = new DirectAppender(temp, expectedSize < 0 || expectedSize > DirectAppender.DIRECT_AFTER);
    this.hasher = expected.newHasher();
    this.meter = measureGzip ? new GzipMeter() : null;
  }

  public Digest digest() {
    return expected;
  }

  /** The size the blob must have, or -1 when not known. */
  public long expectedSize() {
    return expectedSize;
  }

  /** Bytes received so far: where a resumed download starts. */
  public long written() {
    return written;
  }

  public void write(byte[] b, int off, int len) throws IOException {
    write(ByteBuffer.wrap(b, off, len));
  }

  /** Appends and hashes all of {@code src}; refuses (keeping nothing of it) a byte beyond the expected size. */
  public void write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    if (expectedSize >= 0 && written + n > expectedSize) {
      throw new DigestMismatchException("the content is larger than the expected " + expectedSize + " bytes");
    }
    if (src.hasArray()) {
      hasher.update(src.array(), src.arrayOffset() + src.position(), n);
      if (meter != null) {
        meter.update(src.array(), src.arrayOffset() + src.position(), n);
      }
      out.append(src);
    } else {
      // the HTTP client's buffers are read-only: MessageDigest would hash them 4 KiB at a time
      // through a copy of its own; one copy into an array lets it take all of it at once
      if (scratch == null) {
        scratch = new byte[SCRATCH];
      }
      while (src.hasRemaining()) {
        int k = Math.min(src.remaining(), scratch.length);
        src.get(scratch, 0, k);
        hasher.update(scratch, 0, k);
        if (meter != null) {
          meter.update(scratch, 0, k);
        }
        out.append(ByteBuffer.wrap(scratch, 0, k));
      }
    }
    written += n;
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
      Files.createDirectories(target.getParent());
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      AtomicFiles.syncDirectory(target.getParent());
    }
    committed = true;
    Files.deleteIfExists(temp);
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
      if (!committed) {
        Files.deleteIfExists(temp);
      }
    }
  }
}
