package dev.berth.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Read-modify-writes under {@link PathLock}, by threads and by processes, lose nothing. */
class PathLockTest {
  @TempDir Path dir;

  @Test
  @Timeout(60)
  void threadsEditingAtOnceLoseNothing() throws Exception {
    Path file = Files.createFile(dir.resolve("file"));
    int threads = 4;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String tag = "t" + t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            LockingChild.append(file, tag + "-" + i);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(lines(file)).hasSize(threads * each).containsAll(expected("t", threads, each));
  }

  @Test
  @Timeout(120)
  void processesEditingAtOnceLoseNothing() throws Exception {
    Path file = Files.createFile(dir.resolve("file"));
    // enough rewrites for inode numbers to come back while a writer opens the file (without the
    // check of the descriptor itself, 3 processes lost lines in 2 runs of 15)
    int processes = 4;
    int each = 40;
    List<Process> running = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      running.add(child("append", file.toString(), "p" + p, String.valueOf(each)).redirectErrorStream(true).start());
    }
    for (Process p : running) {
      assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
    assertThat(lines(file)).hasSize(processes * each).containsAll(expected("p", processes, each));
  }

  @Test
  @Timeout(60)
  void aFileReplacedWhileWaitingForTheLockIsNotTheOneHandedOut() throws Exception {
    Path file = dir.resolve("file");
    Files.writeString(file, "old\n");
    Process holder = child("hold", file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (PathLock local = PathLock.take(file)) {
      BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(said.readLine()).isEqualTo("locked");

      // open the old file and wait for the other process's lock on it
      FutureTask<LockedChannel> first = new FutureTask<>(local::lockFile);
      Thread waiter = Thread.ofPlatform().start(first);
      awaitBlockedInFileLock(waiter);
      Path temp = Files.writeString(dir.resolve("new.tmp"), "new\n");
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      holder.getOutputStream().close(); // the holder lets go of the old file

      assertThat(first.get(30, TimeUnit.SECONDS)).as("the lock on the replaced file").isNull();
      try (LockedChannel second = local.lockFile()) {
        assertThat(new String(second.read(100, "too large"), StandardCharsets.UTF_8)).isEqualTo("new\n");
      }
    } finally {
      holder.destroy();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMissingFileIsNotLocked() throws Exception {
    try (PathLock local = PathLock.take(dir.resolve("missing"))) {
      assertThat(local.lockFile()).isNull();
      assertThat(local.file()).isEqualTo(dir.resolve("missing").toAbsolutePath().normalize());
    }
  }

  @Test
  void aFileLargerThanTheCallerAllowsIsRefusedWithTheCallersMessage() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "1234");
    try (PathLock local = PathLock.take(file); LockedChannel locked = local.lockFile()) {
      assertThat(locked.read(4, "too large")).isEqualTo("1234".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> locked.read(3, "file is larger than 3 bytes")).hasMessage("file is larger than 3 bytes");
    }
  }

  // The waiter is inside FileChannel.lock (the JDK's own class name) once the old file is open.
  private static void awaitBlockedInFileLock(Thread waiter) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      boolean locking = Arrays.stream(waiter.getStackTrace())
          .anyMatch(f -> f.getClassName().endsWith("FileChannelImpl") && f.getMethodName().equals("lock"));
      if (locking) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the waiting thread never showed FileChannelImpl.lock on its stack"
        + " (was the JDK's class renamed?): " + Arrays.toString(waiter.getStackTrace()));
  }

  @Test
  void aDescriptorOfAFileRenamedOverIsToldFromTheFileThePathNames() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
    Path file = Files.writeString(dir.resolve("file"), "old\n");
    String real = PathLock.realPath(file);
    Set<String> before = PathLock.descriptorsOn(real);
    try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
      Set<String> ours = PathLock.descriptorsOn(real);
      ours.removeAll(before);
      assertThat(ours).hasSize(1);
      assertThat(PathLock.unlinked(ours, real)).isFalse();

      Path next = Files.writeString(dir.resolve("next"), "new\n");
      Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      assertThat(PathLock.unlinked(ours, real)).isTrue();
      assertThat(PathLock.descriptorsOn(real)).containsAll(ours); // still found under its old name
    }
  }

  private static ProcessBuilder child(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockingChild.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static Set<String> expected(String prefix, int writers, int each) {
    Set<String> lines = new HashSet<>();
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < each; i++) {
        lines.add(prefix + w + "-" + i);
      }
    }
    return lines;
  }
}
