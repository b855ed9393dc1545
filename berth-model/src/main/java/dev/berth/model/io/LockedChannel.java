package dev.berth.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.Arrays;

/**
 * A file held open under an exclusive OS lock (see {@link PathLock}). Its content is read through
 * this descriptor: opening and closing the file again by path would drop the lock.
 */
public final class LockedChannel implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  LockedChannel(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code channel}'s file as it is, without looking at what its path names: for a lock file
   * that nobody replaces. The channel is closed when the lock cannot be had.
   */
  public static LockedChannel lock(FileChannel channel) throws IOException {
    try {
      return new LockedChannel(channel, channel.lock());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public long size() throws IOException {
    return channel.size();
  }

  /**
   * The whole content (up to the size it has when the read starts).
   *
   * @param tooLarge the message of the {@link IOException} thrown when the file is larger than
   *     {@code maxBytes}
   */
  public byte[] read(int maxBytes, String tooLarge) throws IOException {
    long size = channel.size();
    if (size > maxBytes) {
      throw new IOException(tooLarge);
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    long position = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        break; // shrunk meanwhile (a writer that does not lock)
      }
      position += n;
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  /** Releases the lock and closes the file. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
