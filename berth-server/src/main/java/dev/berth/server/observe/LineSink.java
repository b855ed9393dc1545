package dev.berth.server.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes log lines on a thread of its own, so a request never waits for a disk or a terminal:
 * event loops only queue an entry, which the writer thread formats ({@code format}). The queue is
 * bounded; when the writer cannot keep up, entries are dropped and counted (said once a minute),
 * never waited for. Batches are formatted, written and flushed together. A file is appended to
 * (created 0600) and reopened by {@link #reopen} (log rotation).
 *
 * @param <T> what is queued (a request's record)
 */
final class LineSink<T> implements AutoCloseable {
  private static final int CAPACITY = 65_536;
  private static final Object STOP = new Object();

  private final Path file;
  private final PrintStream console;
  private final Consumer<String> log;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final java.util.function.BiConsumer<T, StringBuilder> format;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean reopen;
  private OutputStream out;
  private long lastDropReport;

  /**
   * @param file where to append, or null to write to {@code console}
   * @param format appends an entry's line (without the newline)
   */
  LineSink(Path file, PrintStream console, Consumer<String> log, java.util.function.BiConsumer<T, StringBuilder> format)
      throws IOException {
    this.format = format;
    this.file = file;
    this.console = console;
    this.log = log;
    this.out = open();
    this.writer = new Thread(this::run, "berth-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  private OutputStream open() throws IOException {
    if (file == null) {
      return console;
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    FileChannel ch = Files.exists(file)
        ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
        : FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Channels.newOutputStream(ch);
  }

  void offer(T entry) {
    if (!queue.offer(entry)) {
      dropped.incrementAndGet();
    }
  }

  void reopen() {
    reopen = true;
  }

  @SuppressWarnings("unchecked")
  private void run() {
    List<Object> batch = new ArrayList<>(256);
    StringBuilder text = new StringBuilder(64 * 1024);
    while (true) {
      Object first;
      try {
        first = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (reopen) {
        reopen = false;
        reopenNow();
      }
      reportDrops();
      if (first == null) {
        continue;
      }
      batch.clear();
      batch.add(first);
      queue.drainTo(batch, 4095);
      text.setLength(0);
      boolean stop = false;
      for (Object entry : batch) {
        if (entry == STOP) {
          stop = true;
        } else {
          try {
            format.accept((T) entry, text);
          } catch (RuntimeException e) {
            text.append("(log line lost: ").append(e.getClass().getSimpleName()).append(')');
          }
          text.append('\n');
        }
      }
      try {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        dropped.addAndGet(batch.size());
      }
      if (stop) {
        return;
      }
    }
  }

  private void reopenNow() {
    if (file == null) {
      return;
    }
    try {
      OutputStream next = open();
      out.close();
      out = next;
    } catch (IOException e) {
      log.accept("warning: cannot reopen the access log " + file + ": " + e.getMessage());
    }
  }

  private void reportDrops() {
    long now = System.nanoTime();
    if (dropped.get() > 0 && now - lastDropReport > TimeUnit.MINUTES.toNanos(1)) {
      lastDropReport = now;
      log.accept("warning: the access log fell behind; " + dropped.getAndSet(0) + " line(s) dropped");
    }
  }

  /** Writes what is queued (waiting up to two seconds), then stops. */
  @Override
  public void close() {
    try {
      queue.put(STOP);
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (file != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // what could be written was
      }
    }
  }
}
