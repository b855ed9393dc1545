package dev.berth.server.http;

import dev.berth.model.io.AtomicWrite;
import dev.berth.server.storage.StorageLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether the registry can take traffic: it holds its storage's lock, the storage accepts a
 * write, and it is not stopping. Checked at most once a second (a probe storm costs one file
 * write a second); blocking, so called off the event loop.
 */
public final class Readiness {
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path storage;
  private final StorageLock lock;
  private volatile boolean stopping;
  private volatile String lastProblem = "not checked yet";
  private volatile long checkedAt;

  public Readiness(Path storage, StorageLock lock) {
    this.storage = storage;
    this.lock = lock;
  }

  /** From now on not ready: the server is stopping. */
  public void stopping() {
    stopping = true;
  }

  public boolean isStopping() {
    return stopping;
  }

  /** Null when ready, else why not (one line). */
  public synchronized String problem() {
    if (stopping) {
      return "shutting down";
    }
    long now = System.nanoTime();
    if (checkedAt != 0 && now - checkedAt < RECHECK_NANOS) {
      return lastProblem;
    }
    checkedAt = now;
    lastProblem = check();
    return lastProblem;
  }

  private String check() {
    if (!lock.held()) {
      return "the lock on storage " + storage + " is no longer held (was the lock file removed?)";
    }
    try (AtomicWrite probe = AtomicWrite.in(storage)) {
      Files.write(probe.path(), new byte[] {1});
      return null;
    } catch (IOException | RuntimeException e) {
      return "storage " + storage + " is not writable: " + e.getMessage();
    }
  }
}
