package dev.berth.model.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file replaced whole, durably and atomically: the new content goes to a temporary file beside
 * the target, is synced, renamed over the target, and the directory is synced. A crash at any
 * moment leaves the old content or the new one, never a torn file; the only debris is a file named
 * {@link #TEMP_PREFIX}{@code *} that nothing reads. The one place that knows how (the image store,
 * the registry's storage and the credential files all use it).
 *
 * <p>An instance is one such write in progress: a temporary file that becomes its target on
 * {@link #commit} and is deleted on {@link #close} otherwise. What differs between callers stays
 * with them: the file's mode, the mode of directories they create, and how errors are reported.
 * Nothing here creates a directory unasked.
 *
 * <p>docker-credential-berth's small jar carries this package ({@code HelperInstaller}): it needs
 * nothing but the JDK.
 */
public final class AtomicWrite implements AutoCloseable {
  /** How every temporary file's name starts: the registry removes old ones by it after a crash. */
  public static final String TEMP_PREFIX = ".tmp-";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  /**
   * Temporary names, unique in this JVM and unlikely to meet another process's. Not SecureRandom
   * (nor UUID, nor {@link Files#createTempFile}): its provider's start-up costs {@code berth login}
   * 7 ms, and a name needs no secrecy, since the file is created exclusively (O_EXCL) and a name
   * that is taken is simply another try.
   */
  private static final AtomicLong NAMES =
      new AtomicLong(ProcessHandle.current().pid() * 1_000_003L + System.nanoTime());
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L; // odd: no name comes twice in 2^64

  private final Path temp;
  private final Set<PosixFilePermission> mode;
  private FileChannel channel;
  private boolean committed;

  private AtomicWrite(Path temp, Set<PosixFilePermission> mode) {
    this.temp = temp;
    this.mode = mode;
  }

  /** Replaces {@code target} with {@code content}; a new file gets the default mode (the umask's). */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, null);
  }

  /**
   * Replaces {@code target} with {@code content}, the file then having {@code mode} (null: a new
   * file's default). The directory must exist.
   */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    Objects.requireNonNull(content);
    try (AtomicWrite pending = beside(target, mode)) {
      pending.write(content);
      pending.commit(target);
    }
  }

  /** A new, empty temporary file in {@code target}'s directory, named after it. */
  public static AtomicWrite beside(Path target) throws IOException {
    return beside(target, null);
  }

  /**
   * As {@link #beside(Path)}, for a file that is to have {@code mode}: the temporary file is the
   * owner's alone (0600) until {@link #commit} gives it that mode, so no one reads the content
   * before it is complete, and a read-only mode (a user's 0400) does not refuse the write.
   */
  public static AtomicWrite beside(Path target, Set<PosixFilePermission> mode) throws IOException {
    Path abs = target.toAbsolutePath();
    return new AtomicWrite(newTempFile(abs.getParent(), abs.getFileName() + ".", mode != null), mode);
  }

  /** A new, empty temporary file in {@code dir} (scratch space, or a file whose name comes later). */
  public static AtomicWrite in(Path dir) throws IOException {
    return new AtomicWrite(newTempFile(dir.toAbsolutePath(), "", false), null);
  }

  /** The temporary file, for a caller that writes it by path. */
  public Path path() {
    return temp;
  }

  /** A stream to the temporary file; closing it syncs the content but does not commit. */
  public OutputStream open() throws IOException {
    channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    return new FilterOutputStream(Channels.newOutputStream(channel)) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len); // whole arrays, not FilterOutputStream's byte at a time
      }

      @Override
      public void close() throws IOException {
        flush();
        if (channel.isOpen()) {
          channel.force(true);
        }
        super.close();
      }
    };
  }

  /** Writes {@code content} to the temporary file and syncs it. */
  public void write(byte[] content) throws IOException {
    try (OutputStream out = open()) {
      out.write(content);
    }
  }

  /**
   * Makes the temporary file {@code target}: synced, given its mode (after the write, which a
   * read-only mode would refuse), renamed over {@code target}, the rename itself synced.
   */
  public void commit(Path target) throws IOException {
    if (channel != null && channel.isOpen()) {
      channel.force(true);
      channel.close();
    }
    if (mode != null) {
      Files.setPosixFilePermissions(temp, mode);
    }
    rename(temp, target);
    committed = true; // the temporary name is free again: never delete what might take it
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /** Deletes the temporary file unless it was committed. */
  @Override
  public void close() throws IOException {
    if (channel != null && channel.isOpen()) {
      channel.close();
    }
    if (!committed) {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Renames an already synced {@code source} over {@code target} atomically, and syncs the
   * directory so that the rename survives a crash.
   */
  public static void moveIntoPlace(Path source, Path target) throws IOException {
    rename(source, target);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  private static void rename(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + target + " atomically: its file system cannot rename "
          + source.getFileName() + " over it", e);
    }
  }

  /**
   * Creates {@code dir} and its missing parents (each with {@code attributes}, e.g. a mode, which
   * the umask may narrow; existing ones are left as they are), each new one synced into its parent
   * so that a file later renamed into it cannot vanish with a crash.
   */
  public static void createDirectories(Path dir, FileAttribute<?>... attributes) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    Path parent = abs.getParent();
    if (parent != null) {
      createDirectories(parent, attributes);
    }
    try {
      Files.createDirectory(abs, attributes);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw new IOException("cannot create directory " + abs + ": a file is in the way", e);
      }
      return; // another thread or process made it
    }
    if (parent != null) {
      syncDirectory(parent);
    }
  }

  /** Makes the entries of {@code dir} (a rename, a new file or directory) durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Creates an empty file {@code TEMP_PREFIX + hint + unique} in {@code dir}, exclusively. */
  private static Path newTempFile(Path dir, String hint, boolean ownerOnly) throws IOException {
    Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileAttribute<?>[] attributes = ownerOnly
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    for (int attempt = 0; ; attempt++) {
      String unique = Long.toUnsignedString(NAMES.getAndAdd(GOLDEN_GAMMA), 36);
      Path temp = dir.resolve(TEMP_PREFIX + hint + unique);
      try {
        FileChannel.open(temp, options, attributes).close();
        return temp;
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw e;
        }
      }
    }
  }
}
