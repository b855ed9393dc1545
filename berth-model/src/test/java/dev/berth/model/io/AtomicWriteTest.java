package dev.berth.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
  @TempDir Path dir;

  @Test
  // that a read-only mode no longer refuses the write shows only to a user other than root:
  // ReadOnlyConfigTest (berth-credentials) runs one
  void writesTheContentAndGivesTheModeAfterwards() throws Exception {
    Path file = dir.resolve("config.json");
    AtomicWrite.write(file, "one".getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("r--------"));
    assertThat(file).hasContent("one");
    assertThat(mode(file)).isEqualTo("r--------");

    AtomicWrite.write(file, "two".getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(file).hasContent("two");
    assertThat(mode(file)).isEqualTo("rw-r--r--"); // exactly, whatever the umask

    AtomicWrite.write(file, new byte[0]);
    assertThat(file).isEmptyFile();
    assertThat(names()).containsExactly("config.json");
  }

  @Test
  void aTemporaryFileIsBesideItsTargetNamedAfterItAndPrivateUntilCommitted() throws Exception {
    Path file = dir.resolve("key");
    try (AtomicWrite pending = AtomicWrite.beside(file, PosixFilePermissions.fromString("rw-r--r--"))) {
      assertThat(pending.path().getParent()).isEqualTo(dir);
      assertThat(pending.path().getFileName().toString()).startsWith(AtomicWrite.TEMP_PREFIX + "key.");
      assertThat(mode(pending.path())).isEqualTo("rw-------");
      try (OutputStream out = pending.open()) {
        out.write("secret".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(file).doesNotExist();
      pending.commit(file);
    }
    assertThat(file).hasContent("secret");
    assertThat(mode(file)).isEqualTo("rw-r--r--");
    assertThat(names()).containsExactly("key");
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFile() throws Exception {
    Path inTheWay = Files.createDirectories(dir.resolve("target/child"));
    Path target = inTheWay.getParent();
    assertThatThrownBy(() -> AtomicWrite.write(target, "x".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThat(names()).containsExactly("target");

    // a write abandoned halfway, and one never committed
    assertThatThrownBy(() -> {
      try (AtomicWrite pending = AtomicWrite.in(dir); OutputStream out = pending.open()) {
        out.write(new byte[1000]);
        throw new IOException("source broke");
      }
    }).hasMessage("source broke");
    try (AtomicWrite pending = AtomicWrite.in(dir)) {
      pending.write(new byte[] {1});
    }
    assertThat(names()).containsExactly("target");

    assertThatThrownBy(() -> AtomicWrite.write(dir.resolve("missing/file"), new byte[] {1}))
        .isInstanceOf(java.nio.file.NoSuchFileException.class); // directories are the caller's to create
  }

  @Test
  void aFileSystemThatCannotRenameAtomicallyIsNamed() throws Exception {
    Path other = Path.of("/dev/shm");
    Assumptions.assumeTrue(Files.isWritable(other)
        && !Files.getFileStore(other).equals(Files.getFileStore(dir)), "/dev/shm on another file system");
    Path target = Files.createTempDirectory(other, "atomic-write-test").resolve("file");
    try (AtomicWrite pending = AtomicWrite.in(dir)) {
      pending.write(new byte[] {1});
      assertThatThrownBy(() -> pending.commit(target))
          .hasMessage("cannot replace " + target + " atomically: its file system cannot rename "
              + pending.path().getFileName() + " over it");
    } finally {
      Files.delete(target.getParent());
    }
    assertThat(names()).isEmpty();
  }

  @Test
  @Timeout(120)
  void threadsWritingAtOnceLeaveOneCompleteVersionAndReadersNeverSeeATornOne() throws Exception {
    Path file = dir.resolve("shared");
    int size = 256 * 1024;
    AtomicWrite.write(file, version((byte) 0, size));
    int writers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      Future<Integer> reader = pool.submit(() -> {
        int reads = 0;
        while (writing.get()) {
          assertComplete(Files.readAllBytes(file), size);
          reads++;
        }
        return reads;
      });
      List<Future<?>> done = new ArrayList<>();
      for (int w = 1; w <= writers; w++) {
        byte tag = (byte) w;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 20; i++) {
            AtomicWrite.write(file, version(tag, size), PosixFilePermissions.fromString("rw-------"));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(100, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(reader.get(10, TimeUnit.SECONDS)).isPositive();
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    byte[] last = Files.readAllBytes(file);
    assertComplete(last, size);
    assertThat(last[0]).isBetween((byte) 1, (byte) writers);
    assertThat(names()).containsExactly("shared");
  }

  @Test
  void directoriesAreCreatedWithTheirModeAndExistingOnesAreLeftAlone() throws Exception {
    Path existing = Files.createDirectory(dir.resolve("home"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-x---"));
    Path deep = existing.resolve("a/b/c");
    AtomicWrite.createDirectories(deep, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertThat(deep).isDirectory();
    assertThat(mode(existing.resolve("a"))).isEqualTo("rwx------");
    assertThat(mode(deep)).isEqualTo("rwx------");
    assertThat(mode(existing)).isEqualTo("rwxr-x---");

    AtomicWrite.createDirectories(deep); // already there: nothing to do
    assertThat(deep).isDirectory();

    Files.writeString(existing.resolve("file"), "x");
    assertThatThrownBy(() -> AtomicWrite.createDirectories(existing.resolve("file/sub")))
        .hasMessage("cannot create directory " + existing.resolve("file") + ": a file is in the way");
  }

  private static byte[] version(byte tag, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, tag);
    return b;
  }

  private static void assertComplete(byte[] content, int size) {
    assertThat(content).hasSize(size);
    for (byte b : content) {
      if (b != content[0]) {
        throw new AssertionError("a torn file: bytes " + content[0] + " and " + b);
      }
    }
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
