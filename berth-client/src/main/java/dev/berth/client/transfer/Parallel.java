package dev.berth.client.transfer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs blob transfers a few at a time ({@code concurrency}, docker's default 5) and fails fast:
 * the first failure interrupts the others and is what the caller gets.
 */
final class Parallel {
  /** One transfer. */
  interface Task {
    void run() throws IOException;
  }

  /** How long a failure waits for the other transfers to stop and clean up. */
  private static final long STOP_WAIT_SECONDS = 10;

  private Parallel() {}

  static void run(int concurrency, List<Task> tasks) throws IOException {
    if (tasks.isEmpty()) {
      return;
    }
    if (concurrency <= 1 || tasks.size() == 1) {
      for (Task t : tasks) {
        t.run();
      }
      return;
    }
    // platform threads, not virtual ones: sockets read on virtual threads leave the JDK's poller
    // thread waiting in native code, and the JVM's exit waits 300 ms for such a thread (measured:
    // every pull ended 0.3 s later). A download stops at the interrupt after its next read.
    ThreadFactory threads = Thread.ofPlatform().daemon().name("berth-transfer-", 1).factory();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, tasks.size()), threads);
    try {
      ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
      for (Task t : tasks) {
        done.submit(() -> {
          t.run();
          return null;
        });
      }
      for (int i = 0; i < tasks.size(); i++) {
        Future<Void> f = done.take();
        try {
          f.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          // let the interrupted ones clean up (their temporary files) before the caller, often a
          // command about to exit, goes on. A download stops at its next read; one waiting on a
          // silent connection only at the stall timeout, maybe after this wait (its temporary file
          // is then left in the store's .tmp, as after a crash)
          pool.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(cause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while transferring blobs");
    } finally {
      pool.shutdownNow();
    }
  }
}
