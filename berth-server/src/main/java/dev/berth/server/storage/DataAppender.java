package dev.berth.server.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Appends one request's bytes to an upload's data file. Past the first {@link #DIRECT_AFTER}
 * bytes it writes around the page cache (O_DIRECT) in aligned {@link #STAGE}-sized blocks: the
 * disk then takes the bytes by DMA, where a buffered write costs a copy into freshly allocated
 * cache pages (measured: half a CPU-second per GiB, the biggest cost after SHA-256 on this VM,
 * where touching new memory is slow) and the completing fsync still has to wait for all of it.
 * Small bodies stay buffered: they are cheap that way and often read back at once.
 *
 * <p>O_DIRECT wants the file offset, the memory and the length aligned to the device's block:
 * bytes are staged in an aligned buffer and written a full stage at a time; an unaligned head (a
 * session that stopped mid-block) and the tail go through the ordinary channel. Where the file
 * system refuses O_DIRECT, everything stays buffered and {@link Writeback} flushes early.
 */
final class DataAppender implements AutoCloseable {
  /** A multiple of every logical block size Linux file systems use. */
  static final int BLOCK = 4096;
  static final int STAGE = 4 << 20;
  static final long DIRECT_AFTER = 4 << 20;
  /** Stage buffers kept for reuse: direct memory is slow to allocate and freed only by GC. */
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOLED = new AtomicInteger();
  private static final int POOL_MAX = 8;

  private final Path file;
  private final DirectOpener opener;
  private final FileChannel buffered;
  private final Writeback writeback;
  private FileChannel direct;
  private boolean directRefused;
  private ByteBuffer stage;
  /** Where the next byte not yet in the file goes (staged bytes start here). */
  private long fileEnd;
  private long appended;
  private long bufferedBytes;

  /** Opens a file for O_DIRECT writes: the seam where tests put a file system that refuses them. */
  interface DirectOpener {
    FileChannel open(Path file) throws IOException;
  }

  DataAppender(Path file, long offset) throws IOException {
    this(file, offset, DataAppender::openDirect);
  }

  /** {@code opener} null: behave as on a file system that refuses O_DIRECT at open. */
  DataAppender(Path file, long offset, DirectOpener opener) throws IOException {
    this.file = file;
    this.opener = opener;
    this.buffered = FileChannel.open(file, StandardOpenOption.WRITE);
    this.fileEnd = offset;
    this.writeback = new Writeback(file);
    this.directRefused = opener == null;
  }

  static FileChannel openDirect(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
  }

  /** Appends all of {@code src} (consumed). */
  void append(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (stage == null) {
        if (appended < DIRECT_AFTER || directRefused) {
          writeBuffered(src, src.remaining());
          continue;
        }
        int unaligned = (int) (fileEnd % BLOCK);
        if (unaligned != 0) {
          writeBuffered(src, Math.min(src.remaining(), BLOCK - unaligned));
          continue;
        }
        if (!startDirect()) {
          continue;
        }
      }
      int n = Math.min(src.remaining(), stage.remaining());
      ByteBuffer slice = src.slice(src.position(), n);
      stage.put(slice);
      src.position(src.position() + n);
      appended += n;
      if (!stage.hasRemaining()) {
        // Written in line: a write-behind thread with a second stage measured no faster here.
        stage.flip();
        writeDirect(stage);
        stage.clear();
      }
    }
  }

  /** Writes what is staged (aligned part direct, the rest buffered) and closes the file. */
  @Override
  public void close() throws IOException {
    try {
      if (stage != null && stage.position() > 0) {
        stage.flip();
        int aligned = stage.remaining() / BLOCK * BLOCK;
        if (aligned > 0) {
          ByteBuffer head = stage.slice(0, aligned);
          writeDirect(head);
          stage.position(aligned);
        }
        bufferedBytes += stage.remaining();
        while (stage.hasRemaining()) {
          fileEnd += buffered.write(stage, fileEnd);
        }
      }
    } finally {
      if (stage != null) {
        release(stage);
        stage = null;
      }
      try (FileChannel b = buffered; FileChannel d = direct) {
        // closes both, even if one fails
      }
    }
  }

  /** Bytes written by O_DIRECT so far (for tests). */
  long directBytes() {
    return appended - bufferedBytes - (stage == null ? 0 : stage.position());
  }

  int flushes() {
    return writeback.flushes();
  }

  private void writeBuffered(ByteBuffer src, int n) throws IOException {
    ByteBuffer part = src.slice(src.position(), n);
    while (part.hasRemaining()) {
      fileEnd += buffered.write(part, fileEnd);
    }
    src.position(src.position() + n);
    appended += n;
    bufferedBytes += n;
    writeback.written(bufferedBytes);
  }

  /** Writes staged, aligned bytes around the cache (or, once that failed, through it). */
  private void writeDirect(ByteBuffer aligned) throws IOException {
    if (!directRefused) {
      try {
        while (aligned.hasRemaining()) {
          fileEnd += direct.write(aligned, fileEnd);
        }
        return;
      } catch (IOException e) {
        // Some file systems accept O_DIRECT at open and refuse the writes (EINVAL): go on
        // buffered. A real I/O error fails the buffered write below as well, and that is reported.
        directRefused = true;
      }
    }
    bufferedBytes += aligned.remaining();
    while (aligned.hasRemaining()) {
      fileEnd += buffered.write(aligned, fileEnd);
    }
  }

  private boolean startDirect() {
    try {
      // Our alignment must be a multiple of the file system's; where it is not, stay buffered.
      long required = Files.getFileStore(file).getBlockSize();
      if (required <= 0 || BLOCK % required != 0) {
        directRefused = true;
        return false;
      }
      direct = opener.open(file);
    } catch (IOException | UnsupportedOperationException e) {
      directRefused = true; // e.g. EINVAL from a file system without O_DIRECT
      return false;
    }
    stage = take();
    return true;
  }

  private static ByteBuffer take() {
    ByteBuffer b = POOL.poll();
    if (b != null) {
      POOLED.decrementAndGet();
      b.clear();
      return b;
    }
    return ByteBuffer.allocateDirect(STAGE + BLOCK).alignedSlice(BLOCK).limit(STAGE).slice();
  }

  private static void release(ByteBuffer b) {
    if (POOLED.incrementAndGet() <= POOL_MAX) {
      POOL.offer(b);
    } else {
      POOLED.decrementAndGet();
    }
  }
}
