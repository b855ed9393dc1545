package dev.berth.client.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Durable writes: the bytes go to a temporary file next to the target, are fsynced, and replace the
 * target by an atomic rename, after which the directory is fsynced too. A crash at any moment leaves
 * either the old file or the new one, never a torn one.
 */
public final class AtomicFiles {

  /** Writes a whole small file (index.json, oci-layout). */
  public static void write(Path target, byte[] content) throws IOException {
    try (Pending pending = Pending.beside(target)) {
      try (OutputStream out = pending.open()) {
        out.write(content);
      }
      pending.commit(target);
    }
  }

  /** A temporary file that becomes {@code target} on {@link #commit}, or vanishes on close. */
  public static final class Pending implements AutoCloseable {
    private final Path temp;
    private FileChannel channel;
    private boolean committed;

    private Pending(Path temp) {
      this.temp = temp;
    }

    public static Pending beside(Path target) throws IOException {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      return new Pending(dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"));
    }

    public static Pending in(Path dir) throws IOException {
      Files.createDirectories(dir);
      return new Pending(dir.resolve(UUID.randomUUID() + ".tmp"));
    }

    public Path path() {
      return temp;
    }

    /** The stream to write; closing it does not commit. */
    public OutputStream open() throws IOException {
      channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      OutputStream raw = Channels.newOutputStream(channel);
      return new java.io.FilterOutputStream(raw) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
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

    public void commit(Path target) throws IOException {
      if (channel != null && channel.isOpen()) {
        channel.force(true);
        channel.close();
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot atomically replace " + target + " (temporary file on another file system)", e);
      }
      committed = true;
      syncDirectory(target.toAbsolutePath().getParent());
    }

    @Override
    public void close() throws IOException {
      if (channel != null && channel.isOpen()) {
        channel.close();
      }
      if (!committed) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Makes a rename durable; some file systems refuse to open directories, which is harmless. */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort: not every platform can fsync a directory
    }
  }

  private AtomicFiles() {}
}
