package dev.berth.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gets an upload's data onto the disk while the rest is still arriving. Linux leaves written pages dirty until a tenth of
 * RAM is dirty, so without this a whole 1 GiB push sat in the page cache and the fsync that
 * completes it then waited for all of it: about 0.35 s per GiB on this machine's disk, a quarter
 * of the push. Flushing from another thread every {@link #STEP} bytes
 * overlaps the disk with the network, and the completing fsync only has the tail left.
 *
 * <p>Best effort and never in the writer's way: the writer only hands over a request; while one
 * flush is still running, the next waits for more data; a failed flush is ignored, because
 * completion fsyncs everything anyway and is the only point that promises durability.
 */
final class Writeback {
  static final long STEP = 32L * 1024 * 1024;
  // Two are enough to keep a disk busy; more concurrent uploads just flush a little later.
  private static final ExecutorService FLUSHERS = Executors.newFixedThreadPool(2, task -> {
    Thread t = new Thread(task, "berth-writeback");
    t.setDaemon(true);
    return t;
  });

  private final Path file;
  private final AtomicBoolean flushing = new AtomicBoolean();
  private final AtomicInteger flushes = new AtomicInteger();
  private long requestedAt; // the writer's thread only

  Writeback(Path file) {
    this.file = file;
  }

  /** {@code total} bytes went through the page cache so far; flushes when enough came since the last. */
  void written(long total) {
    if (total - requestedAt >= STEP && flushing.compareAndSet(false, true)) {
      requestedAt = total;
      FLUSHERS.execute(this::flush);
    }
  }

  /** Flushes done so far (for tests). */
  int flushes() {
    return flushes.get();
  }

  private void flush() {
    // Its own descriptor, so that the writer may close its channel while this one waits on the disk.
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.force(false);
      flushes.incrementAndGet();
    } catch (IOException e) {
      // The session may have been completed or cancelled meanwhile; completion flushes anyway.
    } finally {
      flushing.set(false);
    }
  }
}
