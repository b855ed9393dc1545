package dev.berth.credentials.vault;

import dev.berth.model.io.AtomicWrite;
import dev.berth.model.io.LockedChannel;
import dev.berth.model.io.PathLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file that holds secrets, rewritten whole and atomically under an exclusive lock: the one place
 * that knows how (docker's {@code config.json} and Berth's encrypted store both use it).
 *
 * <p>The lock is taken on the file itself ({@link PathLock}), not on a sibling lock file, so nothing
 * is left behind in the user's directory (except for a file the user made read-only: see
 * {@link #lock}). Since a write replaces the file by renaming a new one over
 * it, a waiter may end up holding the lock on a file that is no longer there; it notices (the path
 * now names another file) and locks again.
 *
 * <p>A symbolic link ({@code config.json} managed by a dotfile tool) is followed: its target is
 * locked and replaced, the link stays.
 *
 * <p>Writes go through {@link AtomicWrite} (a temporary file in the same directory, 0600 from the
 * start, synced, renamed over the target, the directory synced): a crash at any moment leaves the
 * old content or the new one. A file whose mode is stricter than 0600 keeps its mode.
 */
public final class LockedFile {
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

  private final Path target;
  private final PathLock local;
  private final LockedChannel channel;
  private final boolean created;
  /** The OS lock is on a sibling file: the target is read-only to us (see {@link #lock}). */
  private final boolean sibling;

  private LockedFile(Path target, PathLock local, LockedChannel channel, boolean created, boolean sibling) {
    this.target = target;
    this.local = local;
    this.channel = channel;
    this.created = created;
    this.sibling = sibling;
  }

  /**
   * Locks {@code file} (its final target when it is a symlink) for a read-modify-write, creating
   * the file empty (0600) and its directories (0700) when missing. Blocks while another process
   * or thread holds it.
   */
  public static LockedFile lock(Path file) throws IOException {
    Path target = PathLock.followLinks(file);
    createDirectories(target.getParent());
    PathLock local = PathLock.take(target);
    boolean locked = false;
    try {
      boolean created = false;
      for (int attempt = 0; ; attempt++) {
        if (attempt > 1000) {
          throw new IOException("cannot lock " + target + ": it keeps being replaced");
        }
        created |= createIfMissing(target);
        LockedChannel channel;
        try {
          channel = local.lockFile();
        } catch (AccessDeniedException e) {
          // a file the user made read-only is still replaced by rename, as docker does; its lock
          // then lives in a sibling file (the one case that leaves a lock file behind)
          channel = siblingLocked(target);
          locked = true;
          return new LockedFile(target, local, channel, false, true);
        }
        if (channel != null) {
          locked = true;
          return new LockedFile(target, local, channel, created, false);
        }
        // another writer replaced or removed the file meanwhile: start over on the new one
      }
    } finally {
      if (!locked) {
        local.close();
      }
    }
  }

  /** The file actually locked and written (the symlink's target). */
  public Path target() {
    return target;
  }

  /**
   * The current content (empty for a file just created), read through the locked channel: POSIX
   * drops a process's lock on a file when <em>any</em> descriptor of it is closed, so the file must
   * not be opened and closed again by path while it is locked.
   */
  public byte[] read() throws IOException {
    if (sibling) {
      // the locked channel is the sibling lock file's; the content is the target's, and reading it
      // by path closes no descriptor of the locked file
      return Files.readAllBytes(target);
    }
    return channel.read(Integer.MAX_VALUE - 16, target + " is too large");
  }

  /**
   * Reads {@code file} without locking it against other processes (a writer replaces it
   * atomically), but in step with this JVM's writers: reading by path closes a descriptor, which
   * would drop a lock another thread holds on it.
   */
  public static byte[] readShared(Path file) throws IOException {
    Path target = PathLock.followLinks(file);
    try (PathLock local = PathLock.take(target)) {
      return Files.readAllBytes(target);
    }
  }

  /** Replaces the content atomically (temporary file, fsync, rename, directory fsync). */
  public void write(byte[] content) throws IOException {
    writeAtomically(target, content);
  }

  /**
   * Removes the file again when this lock created it and nothing was written: a read-modify-write
   * that changed nothing leaves the directory as it found it. (A waiter that then gets the lock on
   * the removed file notices and starts over.)
   */
  public void discardIfUnused() throws IOException {
    if (created && channel.size() == 0) {
      Files.deleteIfExists(target);
    }
  }

  public void release() throws IOException {
    try {
      channel.close();
    } finally {
      local.close();
    }
  }

  /** Runs {@code work} with the file locked, releasing it afterwards. */
  public static <T> T with(Path file, Work<T> work) throws IOException {
    LockedFile locked = lock(file);
    try {
      return work.run(locked);
    } finally {
      locked.release();
    }
  }

  @FunctionalInterface
  public interface Work<T> {
    T run(LockedFile file) throws IOException;
  }

  /**
   * Writes {@code content} to {@code target} through a synced temporary file and an atomic rename
   * ({@link AtomicWrite}). The new file is 0600, or the old file's mode where that is stricter.
   */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    AtomicWrite.write(target, content, modeFor(target));
  }

  /** Creates {@code dir} and its missing parents with mode 0700 (existing ones are left as they are). */
  public static void createDirectories(Path dir) throws IOException {
    AtomicWrite.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
  }

  // 0600, or the existing file's mode when that is stricter (a user who chose 0400 keeps it).
  private static Set<PosixFilePermission> modeFor(Path target) throws IOException {
    Set<PosixFilePermission> mode = EnumSet.copyOf(FILE_MODE);
    try {
      mode.retainAll(Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      // new file: 0600
    }
    return mode;
  }

  private static LockedChannel siblingLocked(Path target) throws IOException {
    Path lockFile = target.resolveSibling("." + target.getFileName() + ".lock");
    return LockedChannel.lock(FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(FILE_MODE)));
  }

  private static boolean createIfMissing(Path target) throws IOException {
    try {
      FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(FILE_MODE)).close();
      return true;
    } catch (FileAlreadyExistsException e) {
      return false; // the usual case
    }
  }
}
