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
 * event loops only queue a line. The queue is bounded; when the writer cannot keep up, lines are
 * dropped and counted (said once a minute), never waited for. Batches are written and flushed
 * together. A file is appended to (created 0600) and reopened by {@link #reopen} (log rotation).
 */
final class LineSink implements AutoCloseable {
  private static final int CAPACITY = 65_536;
  private static final String STOP = new String("stop");

  private final Path file;
  private final PrintStream console;
  private final Consumer<String> log;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean reopen;
  private OutputStream out;
  private long lastDropReport;

  /** @param file where to append, or null to write to {@code console} */
  LineSink(Path file, PrintStream console, Consumer<String> log) throws IOException {
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

  void offer(String line) {
    if (!queue.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  void reopen() {
    reopen = true;
  }

  private void run() {
    List<String> batch = new ArrayList<>(256);
    StringBuilder text = new StringBuilder(64 * 1024);
    while (true) {
      String first;
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
      for (String line : batch) {
        if (line == STOP) {
          stop = true;
        } else {
          text.append(line).append('\n');
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
