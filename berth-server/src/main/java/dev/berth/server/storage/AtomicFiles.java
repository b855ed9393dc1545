package dev.berth.server.storage;

import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The registry's durable writes: {@link AtomicWrite}, with the target's missing directories
 * created (durably too) and a failure unchecked, naming the file. A crash at any instant leaves
 * the old content or the new one, never a half file; the only debris is a
 * {@link AtomicWrite#TEMP_PREFIX} file that nothing reads ({@link RegistryStorage#removeDebris}).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Replaces {@code target} with {@code content}, durably. */
  public static void write(Path target, byte[] content) {
    write(target, content, null);
  }

  /** As {@link #write(Path, byte[])}, the file then having the given permissions (e.g. 0600). */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
    try {
      AtomicWrite.createDirectories(target.toAbsolutePath().getParent());
      AtomicWrite.write(target, content, permissions);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
