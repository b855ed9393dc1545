package dev.berth.server.storage;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Upload sessions. A session lives under its repository ({@code _uploads/<uuid>}), so the same id
 * asked for under another repository simply does not exist: sessions are bound to their
 * repository by construction.
 *
 * <p>The SHA-256 is computed while bytes arrive and kept in memory between requests of one
 * session; after a restart the state is rebuilt from the data on disk, so the digest checked at
 * completion is always that of the bytes that are durably there.
 */
public final class UploadStore {
  private final StorageLayout layout;
  private final BlobStore blobs;
  private final LinkedBlobs linked;
  private final ConcurrentHashMap<String, HashState> states = new ConcurrentHashMap<>();

  private final java.util.concurrent.locks.ReadWriteLock gcLock;

  private final Trash trash;

  UploadStore(StorageLayout layout, BlobStore blobs, LinkedBlobs linked,
      java.util.concurrent.locks.ReadWriteLock gcLock, Trash trash) {
    this.gcLock = gcLock;
    this.trash = trash;
    this.layout = layout;
    this.blobs = blobs;
    this.linked = linked;
  }

  /** Starts a session and returns its id. */
  public String create(String repository) {
    String id = UUID.randomUUID().toString();
    Path dir = layout.uploadDir(repository, id);
    try {
      AtomicFiles.createDirectories(dir);
      Files.createFile(layout.uploadData(repository, id));
      AtomicFiles.write(layout.uploadStartedAt(repository, id),
          Instant.now().toString().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an upload in " + repository + ": " + e.getMessage(), e);
    }
    states.put(key(repository, id), new HashState(Digest.newSha256(), 0));
    return id;
  }

  /** Bytes received so far; UPLOAD_UNKNOWN if there is no such session in this repository. */
  public long offset(String repository, String id) {
    try {
      return Files.size(layout.uploadData(repository, id));
    } catch (NoSuchFileException e) {
      throw unknown(id);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read upload " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the session for appending. {@code start}, when the client gave a Content-Range, must
   * equal the current offset (chunks arrive in order); one writer at a time per session.
   */
  public UploadWriter openWriter(String repository, String id, Long start) {
    Path data = layout.uploadData(repository, id);
    HashState state = reserve(repository, id, data);
    try {
      long offset = offset(repository, id);
      if (start != null && start != offset) {
        throw new StorageException(StorageException.Reason.RANGE_INVALID,
            "chunk starts at " + start + " but the upload has " + offset + " bytes",
            java.util.Map.of("offset", offset));
      }
      return new UploadWriter(new DataAppender(data, offset), state, offset);
    } catch (IOException e) {
      state.busy.set(false);
      throw new UncheckedIOException("cannot open upload " + id + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      state.busy.set(false);
      throw e;
    }
  }

  /**
   * Finishes a session: makes the data durable, checks it against {@code expected}, moves it into
   * the blob store and links it into the repository. On a mismatch the session is removed and
   * nothing is left behind.
   */
  public long complete(String repository, String id, Digest expected) {
    Path data = layout.uploadData(repository, id);
    HashState state = reserve(repository, id, data);
    try {
      long size;
      Digest actual;
      try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
        ch.force(true);
        size = ch.size();
      }
      if (expected.algorithm().equals("sha256") && state.offset == size) {
        actual = Digest.fromHash("sha256", state.hasher.digest());
      } else {
        actual = Digest.fromHash(expected.algorithm(), hashFile(data, expected.newHasher()));
      }
      if (!actual.equals(expected)) {
        removeSession(repository, id);
        throw new StorageException(StorageException.Reason.DIGEST_MISMATCH,
            "uploaded content has digest " + actual + ", not " + expected);
      }
      gcLock.readLock().lock();
      try {
        blobs.commit(data, expected);
        linked.link(repository, expected);
      } finally {
        gcLock.readLock().unlock();
      }
      removeSession(repository, id);
      return size;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot complete upload " + id + ": " + e.getMessage(), e);
    } finally {
      state.busy.set(false);
    }
  }

  public void cancel(String repository, String id) {
    offset(repository, id); // UPLOAD_UNKNOWN when absent
    removeSession(repository, id);
  }

  /**
   * Removes sessions started more than {@code maxAge} ago and not receiving data now.
   *
   * @return how many were removed
   */
  public int purge(Duration maxAge) {
    Instant cutoff = Instant.now().minus(maxAge);
    List<Path> uploadDirs = new ArrayList<>();
    Path root = layout.repositoriesRoot();
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          String name = dir.getFileName().toString();
          if (name.equals("_uploads")) {
            uploadDirs.add(dir);
            return FileVisitResult.SKIP_SUBTREE;
          }
          return name.startsWith("_") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan upload sessions: " + e.getMessage(), e);
    }
    int removed = 0;
    for (Path uploads : uploadDirs) {
      String repository = root.relativize(uploads.getParent()).toString().replace('\\', '/');
      try (var sessions = Files.list(uploads)) {
        for (Path session : sessions.toList()) {
          String id = session.getFileName().toString();
          if (!StorageLayout.isUploadId(id) || !startedBefore(session, cutoff)) {
            continue;
          }
          HashState state = states.get(key(repository, id));
          if (state != null && state.busy.get()) {
            continue;
          }
          removeSession(repository, id);
          removed++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot purge uploads of " + repository + ": " + e.getMessage(), e);
      }
    }
    return removed;
  }

  private static boolean startedBefore(Path session, Instant cutoff) throws IOException {
    try {
      String text = Files.readString(session.resolve("startedat"), StandardCharsets.US_ASCII).trim();
      return Instant.parse(text).isBefore(cutoff);
    } catch (NoSuchFileException | java.time.format.DateTimeParseException e) {
      // A crash between mkdir and startedat: judge by the directory's age.
      return Files.getLastModifiedTime(session).toInstant().isBefore(cutoff);
    }
  }

  /** The session's hash state, marked busy for this request; UPLOAD_INVALID while another has it. */
  private HashState reserve(String repository, String id, Path data) {
    HashState state = stateFor(repository, id, data);
    if (!state.busy.compareAndSet(false, true)) {
      throw new StorageException(StorageException.Reason.UPLOAD_INVALID,
          "upload " + id + " is receiving data in another request");
    }
    return state;
  }

  private HashState stateFor(String repository, String id, Path data) {
    long size = offset(repository, id);
    return states.compute(key(repository, id), (k, s) -> {
      if (s != null && !s.broken) {
        return s;
      }
      // Restarted since the session began: rebuild the hash from what is on disk.
      MessageDigest hasher = Digest.newSha256();
      try {
        hashInto(data, hasher);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read upload " + id + ": " + e.getMessage(), e);
      }
      return new HashState(hasher, size);
    });
  }

  private void removeSession(String repository, String id) {
    states.remove(key(repository, id));
    Path dir = layout.uploadDir(repository, id);
    try {
      // The data may be big (a cancelled or mismatched push): out of the way now, deleted later.
      trash.discard(layout.uploadData(repository, id));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove upload " + id + ": " + e.getMessage(), e);
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (NoSuchFileException ignored) {
      // already gone
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove upload " + id + ": " + e.getMessage(), e);
    }
  }

  static byte[] hashFile(Path file, MessageDigest hasher) throws IOException {
    hashInto(file, hasher);
    return hasher.digest();
  }

  private static void hashInto(Path file, MessageDigest hasher) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        hasher.update(buf);
        buf.clear();
      }
    }
  }

  private static String key(String repository, String id) {
    return repository + "\u0000" + id;
  }

  private static StorageException unknown(String id) {
    return new StorageException(StorageException.Reason.UPLOAD_UNKNOWN, "unknown upload session: " + id);
  }

  /** The running hash of a session and how many bytes it covers. */
  static final class HashState {
    final MessageDigest hasher;
    long offset;
    /** A write failed midway: the hash no longer matches the file and must be rebuilt. */
    volatile boolean broken;
    final AtomicBoolean busy = new AtomicBoolean();

    HashState(MessageDigest hasher, long offset) {
      this.hasher = hasher;
      this.offset = offset;
    }
  }
}
