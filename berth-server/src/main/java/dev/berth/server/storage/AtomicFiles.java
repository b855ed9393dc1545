package dev.berth.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.UUID;

/**
 * Durable writes: a temp file in the target's directory, fsync, atomic rename, fsync of the
 * directory. A crash at any instant leaves the old content or the new one, never a half file;
 * the only debris is a {@code .tmp-} file that nothing ever reads.
 */
public final class AtomicFiles {
  static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code content}, durably. */
  public static void write(Path target, byte[] content) {
    write(target, content, null);
  }

  /** As {@link #write(Path, byte[])}, the file created with the given permissions (e.g. 0600). */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      createDirectories(dir);
      temp = tempFile(dir);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (permissions != null) {
        // after the write: a read-only mode (a file its owner keeps at 0400) would refuse the open
        Files.setPosixFilePermissions(temp, permissions);
      }
      moveIntoPlace(temp, target);
      temp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** A new empty file next to where its content will end up, so the final rename stays atomic. */
  public static Path tempFile(Path dir) throws IOException {
    return Files.createFile(dir.resolve(TEMP_PREFIX + UUID.randomUUID()));
  }

  /**
   * Atomically renames an already fsynced {@code source} over {@code target} and makes the rename
   * itself durable.
   */
  public static void moveIntoPlace(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the storage file system cannot rename atomically: " + target, e);
    }
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Creates {@code dir} and its parents, making each new entry durable in its parent, so that a
   * later rename into it cannot vanish with a crash.
   */
  public static void createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    Path parent = abs.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(abs);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw e;
      }
      return;
    }
    if (parent != null) {
      fsyncDirectory(parent);
    }
  }

  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  public static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // debris with a temp prefix is harmless and purged later
      }
    }
  }
}
