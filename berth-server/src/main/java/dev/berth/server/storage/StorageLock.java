package dev.berth.server.storage;

import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time works on a storage directory: a serving registry, or an offline garbage
 * collection. The upload bookkeeping (running hashes, busy sessions) and the collector's lock
 * live in one process's memory, so a second process on the same files could collect a blob a
 * push is about to reference. The lock is the kernel's ({@code lock} in the root, see
 * {@link StorageLayout}), so a killed holder never leaves it behind; the file names the holder
 * for the error the next one gets.
 */
public final class StorageLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;
  private final Path file;
  private final Object fileKey;

  private StorageLock(FileChannel channel, FileLock lock, Path file, Object fileKey) {
    this.channel = channel;
    this.lock = lock;
    this.file = file;
    this.fileKey = fileKey;
  }

  /**
   * Whether the lock is still held on the storage's lock file: valid, and that file is still the
   * one locked (a lock file deleted or replaced no longer keeps another process out).
   */
  public boolean held() {
    if (!lock.isValid() || !channel.isOpen()) {
      return false;
    }
    try {
      Object now = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      return fileKey == null || fileKey.equals(now);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Takes the lock of the storage laid out by {@code layout} for {@code holder} (e.g. "berth
   * serve"), or fails with a message naming the directory and, where known, who holds it.
   */
  public static StorageLock acquire(StorageLayout layout, String holder) {
    Path file = layout.lockFile();
    FileChannel channel = null;
    try {
      AtomicWrite.createDirectories(layout.root());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process
      }
      if (lock == null) {
        String other = readHolder(channel);
        channel.close();
        throw new BusyException("storage " + layout.root() + " is in use by another process"
            + (other.isEmpty() ? "" : " (" + other + ")"));
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ": " + holder + "\n")
          .getBytes(StandardCharsets.UTF_8)), 0);
      Object key = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      return new StorageLock(channel, lock, file, key);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new BusyException("cannot lock storage " + layout.root() + ": " + e.getMessage());
    }
  }

  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(200);
    channel.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to release
      }
    }
  }

  /** The storage is held by another process, or cannot be locked at all; the message says which. */
  public static final class BusyException extends RuntimeException {
    BusyException(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }
}
