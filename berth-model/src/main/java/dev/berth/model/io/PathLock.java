package dev.berth.model.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Locks a file that its writers replace whole, by renaming a new version over it, for a
 * read-modify-write: the one place that knows how (docker's {@code config.json}, the credential
 * store and the registry's htpasswd file all use it). What a missing file means, which modes and
 * how the new version is written stay with each caller.
 *
 * <p>Two locks, in this order. First this JVM's own, per path ({@link #take}): a second {@link
 * FileLock} on a file the process already locks is an error, not a wait, and POSIX locks belong
 * to the whole process anyway. Then the OS lock on the file itself ({@link #lockFile}), which keeps
 * other processes out and leaves no lock file behind. Since a writer replaces the file, a waiter
 * may end up holding the lock on a file the path no longer names; {@link #lockFile} notices and
 * returns null, and the caller starts over on the new file.
 *
 * <p>POSIX drops a process's lock on a file when <em>any</em> of its descriptors of that file is
 * closed, so the locked content is read through {@link LockedChannel#read}, and a JVM that both
 * edits the file and reads it by path takes this lock for the read too.
 *
 * <p>docker-credential-berth's small jar carries this package too ({@code HelperInstaller}): it
 * needs nothing but the JDK.
 */
public final class PathLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final String DELETED = " (deleted)"; // how Linux names an unlinked file in /proc

  private final Path file;
  private final ReentrantLock local;

  private PathLock(Path file, ReentrantLock local) {
    this.file = file;
    this.local = local;
  }

  /**
   * The file {@code file} names through any symbolic links (relative ones against their own
   * directory): what a writer replaces, so that a link (a file managed by a dotfile tool or an
   * admin's /etc layout) stays a link.
   */
  public static Path followLinks(Path file) throws IOException {
    Path target = file.toAbsolutePath().normalize();
    for (int hops = 0; Files.isSymbolicLink(target); hops++) {
      if (hops == 40) {
        throw new IOException("cannot follow " + file + ": too many levels of symbolic links");
      }
      target = target.resolveSibling(Files.readSymbolicLink(target)).normalize();
    }
    return target;
  }

  /** Waits until no other thread of this JVM holds {@code file}, then holds it. */
  public static PathLock take(Path file) {
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock local = IN_PROCESS.computeIfAbsent(key, p -> new ReentrantLock());
    local.lock();
    return new PathLock(key, local);
  }

  /** The path held (absolute, normalised). */
  public Path file() {
    return file;
  }

  /**
   * One try at the OS lock on the file the path names now, opened for reading and writing; blocks
   * while another process holds it.
   *
   * @return the file, open and locked; null when by then the path named another file or none (a
   *     writer replaced or removed it meanwhile): try again
   * @throws java.nio.file.AccessDeniedException when the file cannot be opened for writing
   */
  public LockedChannel lockFile() throws IOException {
    // The file the path names just before and just after we open it (so, the file we opened), and
    // again once we hold the lock: the same file means the lock is on the file everybody reads. A
    // writer that replaced it while we waited shows as a different one. Both looks around the open
    // matter: inode numbers are reused at once, so a file replaced while we waited can come back
    // under the number we saw before the open (3 processes writing 15 times each lost an entry
    // that way). Even both can be fooled: see the last look, at the descriptor itself.
    String real = realPath(file);
    Set<String> open = descriptorsOn(real);
    Object before = fileKey(file);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      return null; // removed between the look and the open
    }
    boolean locked = false;
    try {
      Set<String> ours = descriptorsOn(real);
      if (ours != null && open != null) {
        ours.removeAll(open); // the descriptor just opened (with, rarely, another thread's)
      }
      if (before == null || !before.equals(fileKey(file))) {
        return null; // replaced around the open: which file we hold is unknown
      }
      FileLock lock = channel.lock();
      if (!before.equals(fileKey(file))) {
        return null; // replaced while we waited: nobody reads the file we locked any more
      }
      // The looks above compare inode numbers, and a number freed by one replacement is handed to
      // the next new file at once: while this thread opened the file, two writers in turn can
      // replace it and bring the number back, and the looks then pass for a file nobody reads
      // (3 processes appending 40 times each lost lines in 2 runs of 15). The descriptor itself
      // tells: on Linux, a file no longer linked at its path shows as "PATH (deleted)".
      if (ours != null && unlinked(ours, real)) {
        return null;
      }
      locked = true;
      return new LockedChannel(channel, lock);
    } finally {
      if (!locked) {
        channel.close(); // releases the lock too, if taken
      }
    }
  }

  /** Lets the next thread of this JVM have the path. */
  @Override
  public void close() {
    local.unlock();
  }

  /** {@code file} as the kernel names it (the directory's links resolved), or null. */
  static String realPath(Path file) {
    try {
      return file.getParent().toRealPath().resolve(file.getFileName()).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * This process's descriptors (their numbers) open on the file {@code realPath} names, or on one
   * it named before; null where that cannot be told (no /proc, as off Linux).
   */
  static Set<String> descriptorsOn(String realPath) {
    Path descriptors = Path.of("/proc/self/fd");
    if (realPath == null || !Files.isDirectory(descriptors)) {
      return null;
    }
    Set<String> found = new HashSet<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(descriptors)) {
      for (Path fd : all) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.equals(realPath) || target.equals(realPath + DELETED)) {
            found.add(fd.getFileName().toString());
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return null;
    }
    return found;
  }

  /** Whether any of {@code descriptors} is open on a file no longer linked at {@code realPath}. */
  static boolean unlinked(Set<String> descriptors, String realPath) {
    for (String fd : descriptors) {
      try {
        if (Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString().equals(realPath + DELETED)) {
          return true;
        }
      } catch (IOException e) {
        // closed meanwhile: not ours
      }
    }
    return false;
  }

  // Follows links as the open does: the key is that of the file an open of the path reaches.
  private static Object fileKey(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
