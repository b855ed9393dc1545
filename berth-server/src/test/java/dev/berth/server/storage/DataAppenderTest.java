package dev.berth.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataAppenderTest {
  @TempDir Path dir;

  /** Appends {@code bytes} in pieces of odd sizes, heap and direct; returns the appender, closed. */
  private DataAppender append(Path file, long offset, byte[] bytes) throws IOException {
    DataAppender appender = new DataAppender(file, offset);
    try (appender) {
      Random random = new Random(bytes.length);
      int at = 0;
      while (at < bytes.length) {
        int n = Math.min(bytes.length - at, 1 + random.nextInt(700_000));
        ByteBuffer piece = random.nextBoolean() ? ByteBuffer.wrap(bytes, at, n)
            : ByteBuffer.allocateDirect(n).put(ByteBuffer.wrap(bytes, at, n)).flip();
        appender.append(piece);
        assertThat(piece.hasRemaining()).isFalse();
        at += n;
      }
    }
    return appender;
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void aSecondRequestGoesOnWhereTheFirstStopped() throws IOException {
    Path file = Files.createFile(dir.resolve("data"));
    byte[] first = random(3 * 1024 * 1024 + 777, 3);
    byte[] second = random(2 * 1024 * 1024 + 4_099, 4);
    append(file, 0, first);
    append(file, first.length, second);
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    assertThat(Files.readAllBytes(file)).isEqualTo(both);
  }

  @Test
  void longBodiesAreFlushedWhileTheyArrive() throws Exception {
    Path file = Files.createFile(dir.resolve("data"));
    byte[] big = random((int) (2 * Writeback.STEP) + 5, 5);
    DataAppender appender = new DataAppender(file, 0);
    try (appender) {
      for (int at = 0; at < big.length; at += 1 << 20) {
        appender.append(ByteBuffer.wrap(big, at, Math.min(1 << 20, big.length - at)));
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (appender.flushes() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertThat(appender.flushes()).isPositive();
    assertThat(Files.readAllBytes(file)).isEqualTo(big);
  }

  @Test
  void shortBodiesAreNotFlushedEarly() throws IOException {
    Path file = Files.createFile(dir.resolve("data"));
    byte[] few = random(100_000, 2);
    assertThat(append(file, 0, few).flushes()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(few);
  }
}
