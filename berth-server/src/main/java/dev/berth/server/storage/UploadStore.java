package dev.berth.server.storage;

import dev.berth.model.Digest;
import dev.berth.model.io.AtomicWrite;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Upload sessions. A session lives under its repository ({@code _uploads/<uuid>}), so the same id
 * asked for under another repository simply does not exist: sessions are bound to their
 * repository by construction.
 *
 * <p>A session is one file (its data) created with one directory fsync, so a flood of empty
 * sessions costs an inode each. Its id is a UUIDv7, whose first 48 bits are its start time:
 * purging needs no other record, and survives restarts.
 *
 * <p>Every open session is also known in memory (found on disk at start, then kept up to date;
 * one process owns a storage, see {@link StorageLock}). That bounds them: {@link UploadLimits}
 * per user and in total. Who opened a session is known only for sessions this process started:
 * those found at start count towards the total alone.
 *
 * <p>The SHA-256 is computed while bytes arrive and kept in memory between requests of one
 * session; after a restart the state is rebuilt from the data on disk, so the digest checked at
 * completion is always that of the bytes that are durably there.
 */
public final class UploadStore {
  private final StorageLayout layout;
  private final BlobStore blobs;
  private final LinkedBlobs linked;
  private final UploadLimits limits;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  /** Open sessions per user, and in all; guarded by itself. */
  private final Map<String, Integer> perUser = new HashMap<>();
  private int open;

  private final java.util.concurrent.locks.ReadWriteLock gcLock;

  private final Trash trash;

  UploadStore(StorageLayout layout, BlobStore blobs, LinkedBlobs linked,
      java.util.concurrent.locks.ReadWriteLock gcLock, Trash trash, UploadLimits limits) {
    this.gcLock = gcLock;
    this.trash = trash;
    this.layout = layout;
    this.blobs = blobs;
    this.linked = linked;
    this.limits = limits;
    findSessionsOnDisk();
  }

  /** Starts a session of no particular user (counted in the total only) and returns its id. */
  public String create(String repository) {
    return create(repository, null);
  }

  /**
   * Starts a session for {@code user} and returns its id; TOO_MANY_UPLOADS when the user, or the
   * registry, has as many open as the limits allow.
   */
  public String create(String repository, String user) {
    String id = newId();
    Path data = layout.uploadData(repository, id);
    String key = key(repository, id);
    admit(key, new Session(user, Instant.now(), data, null, Digest.newSha256()));
    try {
      AtomicWrite.createDirectories(data.getParent());
      Files.createFile(data);
      // Durable before the client hears of it: a session we announced survives a crash.
      AtomicWrite.syncDirectory(data.getParent());
    } catch (IOException e) {
      forget(key);
      try {
        Files.deleteIfExists(data);
      } catch (IOException ignored) {
        // an empty session the next start finds on disk and purges once it is old
      }
      throw new UncheckedIOException("cannot start an upload in " + repository + ": " + e.getMessage(), e);
    }
    return id;
  }

  /** Sessions open now (for tests and the limits). */
  public int openSessions() {
    synchronized (perUser) {
      return open;
    }
  }

  /** Bytes received so far; UPLOAD_UNKNOWN if there is no such session in this repository. */
  public long offset(String repository, String id) {
    return size(session(repository, id), id);
  }

  /**
   * Whether a request is still writing into the session: after a cut connection, for the moment
   * its last received bytes take to reach the file. UPLOAD_UNKNOWN if there is no such session.
   */
  public boolean receiving(String repository, String id) {
    return session(repository, id).state.busy.get();
  }

  private static long size(Session session, String id) {
    try {
      return Files.size(session.data);
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
    Session session = session(repository, id);
    HashState state = reserve(session, id);
    try {
      long offset = size(session, id);
      if (start != null && start != offset) {
        throw new StorageException(StorageException.Reason.RANGE_INVALID,
            "chunk starts at " + start + " but the upload has " + offset + " bytes",
            java.util.Map.of("offset", offset));
      }
      return new UploadWriter(new DataAppender(session.data, offset), state, offset);
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
    Session session = session(repository, id);
    Path data = session.data;
    HashState state = reserve(session, id);
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
    int removed = 0;
    for (Map.Entry<String, Session> e : sessions.entrySet()) {
      Session session = e.getValue();
      if (session.startedAt.isBefore(cutoff) && !session.state.busy.get()) {
        int split = e.getKey().indexOf('\u0000');
        removeSession(e.getKey().substring(0, split), e.getKey().substring(split + 1));
        removed++;
      }
    }
    return removed;
  }

  /** Registers the sessions a previous run left (any user's, in either layout). */
  private void findSessionsOnDisk() {
    Path root = layout.repositoriesRoot();
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> uploadDirs = new java.util.ArrayList<>();
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
      for (Path uploads : uploadDirs) {
        String repository = root.relativize(uploads.getParent()).toString().replace('\\', '/');
        try (var entries = Files.list(uploads)) {
          for (Path entry : entries.toList()) {
            String id = entry.getFileName().toString();
            if (StorageLayout.isUploadId(id)) {
              Session found = Files.isDirectory(entry)
                  ? new Session(null, legacyStart(entry), StorageLayout.legacyUploadData(entry), entry, null)
                  : new Session(null, start(id, entry), entry, null, null);
              sessions.put(key(repository, id), found);
              open++;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan upload sessions: " + e.getMessage(), e);
    }
  }

  /** A UUIDv7 carries its creation time; any other id is judged by its file's age. */
  private static Instant start(String id, Path file) throws IOException {
    UUID uuid = UUID.fromString(id);
    if (uuid.version() == 7) {
      return Instant.ofEpochMilli(uuid.getMostSignificantBits() >>> 16);
    }
    return Files.getLastModifiedTime(file).toInstant();
  }

  private static Instant legacyStart(Path dir) throws IOException {
    try {
      String text = Files.readString(StorageLayout.legacyUploadStartedAt(dir), StandardCharsets.US_ASCII).trim();
      return Instant.parse(text);
    } catch (NoSuchFileException | java.time.format.DateTimeParseException e) {
      // A crash between mkdir and startedat: judge by the directory's age.
      return Files.getLastModifiedTime(dir).toInstant();
    }
  }

  /** A UUIDv7: 48 bits of milliseconds, then 74 random bits (from a v4, which is SecureRandom). */
  static String newId() {
    UUID random = UUID.randomUUID();
    long msb = (System.currentTimeMillis() << 16) | 0x7000 | (random.getMostSignificantBits() & 0x0FFF);
    return new UUID(msb, random.getLeastSignificantBits()).toString();
  }

  private void admit(String key, Session session) {
    synchronized (perUser) {
      if (open >= limits.total()) {
        throw new StorageException(StorageException.Reason.TOO_MANY_UPLOADS,
            "too many upload sessions open on this registry (limit " + limits.total()
                + "); complete or cancel some, or retry later");
      }
      if (session.user != null && perUser.getOrDefault(session.user, 0) >= limits.perUser()) {
        throw new StorageException(StorageException.Reason.TOO_MANY_UPLOADS,
            "too many upload sessions open for " + session.user + " (limit " + limits.perUser()
                + "); complete or cancel some, or retry later");
      }
      sessions.put(key, session);
      open++;
      if (session.user != null) {
        perUser.merge(session.user, 1, Integer::sum);
      }
    }
  }

  /** Frees the session's slot; null if it was not (or no longer) known. */
  private Session forget(String key) {
    synchronized (perUser) {
      Session session = sessions.remove(key);
      if (session != null) {
        open--;
        if (session.user != null) {
          perUser.computeIfPresent(session.user, (u, n) -> n > 1 ? n - 1 : null);
        }
      }
      return session;
    }
  }

  private Session session(String repository, String id) {
    Session session = StorageLayout.isUploadId(id) ? sessions.get(key(repository, id)) : null;
    if (session == null) {
      throw unknown(id);
    }
    return session;
  }

  /** The session's hash state, marked busy for this request; UPLOAD_INVALID while another has it. */
  private HashState reserve(Session session, String id) {
    HashState state = session.state;
    if (!state.busy.compareAndSet(false, true)) {
      throw new StorageException(StorageException.Reason.UPLOAD_INVALID,
          "upload " + id + " is receiving data in another request");
    }
    if (state.hasher == null || state.broken) {
      // Restarted since the session began, or a write failed midway: rebuild from what is on disk.
      try {
        long size = size(session, id);
        MessageDigest hasher = Digest.newSha256();
        hashInto(session.data, hasher);
        state.hasher = hasher;
        state.offset = size;
        state.broken = false;
      } catch (IOException e) {
        state.busy.set(false);
        throw new UncheckedIOException("cannot read upload " + id + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        state.busy.set(false);
        throw e;
      }
    }
    return state;
  }

  private void removeSession(String repository, String id) {
    Session session = forget(key(repository, id));
    if (session == null) {
      return; // removed meanwhile (a cancel racing a purge)
    }
    try {
      if (Files.isRegularFile(session.data) && Files.size(session.data) == 0) {
        Files.deleteIfExists(session.data); // the common abandoned session: nothing to defer
      } else {
        // The data may be big (a cancelled or mismatched push): out of the way now, deleted later.
        trash.discard(session.data);
      }
      if (session.legacyDir != null) {
        Files.deleteIfExists(StorageLayout.legacyUploadStartedAt(session.legacyDir));
        Files.deleteIfExists(session.legacyDir);
      }
    } catch (NoSuchFileException ignored) {
      // already gone (completed: the data moved into the blob store)
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

  /**
   * An open session: who started it (null: unknown, found on disk at start), when, where its
   * bytes are, and (earlier layout only) the directory around them.
   */
  private static final class Session {
    final String user;
    final Instant startedAt;
    final Path data;
    final Path legacyDir;
    final HashState state;

    /** {@code hasher}: a fresh one for a session started here; null for one found on disk. */
    Session(String user, Instant startedAt, Path data, Path legacyDir, MessageDigest hasher) {
      this.user = user;
      this.startedAt = startedAt;
      this.data = data;
      this.legacyDir = legacyDir;
      this.state = new HashState(hasher, 0);
    }
  }

  /** The running hash of a session and how many bytes it covers. */
  static final class HashState {
    /** Null until known: a session found on disk is hashed from its file first. */
    MessageDigest hasher;
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
