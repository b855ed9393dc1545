package dev.berth.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataAppenderTest {
  @TempDir Path dir;

  /** Appends {@code bytes} in pieces of odd sizes; returns the appender, closed. */
  private DataAppender append(Path file, long offset, byte[] bytes, DataAppender.DirectOpener opener)
      throws IOException {
    DataAppender appender = new DataAppender(file, offset, opener);
    try (appender) {
      Random random = new Random(bytes.length);
      int at = 0;
      while (at < bytes.length) {
        int n = Math.min(bytes.length - at, 1 + random.nextInt(700_000));
        // Direct and heap buffers both occur: Netty's pieces and tests' arrays.
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

  private boolean directSupported() {
    try (FileChannel ch = FileChannel.open(dir.resolve("probe"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  @Test
  void bigBodiesGoAroundThePageCacheAndSmallOnesDoNot() throws IOException {
    Path file = Files.createFile(dir.resolve("data"));
    byte[] big = random(3 * DataAppender.STAGE + 12_345, 1);
    DataAppender appender = append(file, 0, big, DataAppender::openDirect);
    assertThat(Files.readAllBytes(file)).isEqualTo(big);
    if (directSupported()) {
      assertThat(appender.directBytes()).isGreaterThan(big.length / 2);
    }

    Path small = Files.createFile(dir.resolve("small"));
    byte[] few = random(100_000, 2);
    assertThat(append(small, 0, few, DataAppender::openDirect).directBytes()).isZero();
    assertThat(Files.readAllBytes(small)).isEqualTo(few);
  }

  @Test
  void aSecondRequestResumesMidBlock() throws IOException {
    Path file = Files.createFile(dir.resolve("data"));
    byte[] first = random(DataAppender.STAGE * 2 + 777, 3);
    byte[] second = random(DataAppender.STAGE * 2 + 4_099, 4);
    append(file, 0, first, DataAppender::openDirect);
    append(file, first.length, second, DataAppender::openDirect);
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    assertThat(Files.readAllBytes(file)).isEqualTo(both);
  }

  @Test
  void whereODirectIsRefusedLongBodiesAreFlushedWhileTheyArrive() throws Exception {
    Path file = Files.createFile(dir.resolve("data"));
    byte[] big = random((int) (2 * Writeback.STEP) + 5, 5);
    DataAppender appender = new DataAppender(file, 0, null);
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
    assertThat(appender.directBytes()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(big);
  }

  @Test
  void aFileSystemThatRefusesTheDirectWritesThemselvesGetsThemBuffered() throws IOException {
    Path file = Files.createFile(dir.resolve("data"));
    byte[] big = random(3 * DataAppender.STAGE + 999, 6);
    // Opens fine, then every write fails (as EINVAL would): here, a channel already closed.
    DataAppender.DirectOpener refusesWrites = f -> {
      FileChannel channel = FileChannel.open(f, StandardOpenOption.WRITE);
      channel.close();
      return channel;
    };
    DataAppender appender = append(file, 0, big, refusesWrites);
    assertThat(appender.directBytes()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(big);
  }
}
