package dev.berth.server.auth.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link AuthStore} in an SQLite database in the storage directory ({@code auth/state.db}, mode
 * 0600), through plain JDBC. Write-ahead logging with {@code synchronous=FULL}: a committed change
 * survives a crash or power loss, like the blobs beside it. Other processes ({@code berth token
 * revoke} while the server runs) share the file under SQLite's own locking.
 *
 * <p>One connection per process, used by one thread at a time; callers are worker threads.
 */
public final class SqliteAuthStore implements AuthStore {
  private static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        parent TEXT,
        hash BLOB NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS tokens_subject ON tokens(subject);
      CREATE INDEX IF NOT EXISTS tokens_revoked ON tokens(revoked_at);
      CREATE INDEX IF NOT EXISTS tokens_parent ON tokens(parent);
      CREATE TABLE IF NOT EXISTS cutoffs (subject TEXT PRIMARY KEY, not_before INTEGER NOT NULL); -- epoch ms
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', 0);
      """;

  private final Path file;
  private final Connection db;

  private SqliteAuthStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating if needed) the database at {@code file}. */
  public static SqliteAuthStore open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try {
        // created 0600 before SQLite opens it: its journal files take the database's mode
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        // opened as it is
      }
    } catch (IOException e) {
      throw new AuthStoreException("cannot create the auth state " + file + ": " + e.getMessage(), e);
    }
    try {
      Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = FULL");
        for (String statement : SCHEMA.split(";")) {
          if (!statement.isBlank()) {
            s.execute(statement);
          }
        }
      }
      return new SqliteAuthStore(file, db);
    } catch (SQLException e) {
      throw new AuthStoreException("cannot open the auth state " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void add(StoredToken t) {
    write("store a token", () -> {
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO tokens(id, kind, subject, name, scopes, parent, hash, created_at, expires_at, revoked_at,"
              + " last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        p.setString(1, t.id());
        p.setString(2, t.kind().column());
        p.setString(3, t.subject());
        p.setString(4, t.name());
        p.setString(5, String.join(" ", t.scopes()));
        p.setString(6, t.parent());
        p.setBytes(7, t.hash());
        p.setLong(8, t.createdAt().getEpochSecond());
        setInstant(p, 9, t.expiresAt());
        setInstant(p, 10, t.revokedAt());
        setInstant(p, 11, t.lastUsedAt());
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public synchronized Optional<StoredToken> findByHash(byte[] hash) {
    return read("look up a token", () -> {
      try (PreparedStatement p = db.prepareStatement("SELECT * FROM tokens WHERE hash = ?")) {
        p.setBytes(1, hash);
        return first(p);
      }
    });
  }

  @Override
  public synchronized Optional<StoredToken> findById(String id) {
    return read("look up a token", () -> {
      try (PreparedStatement p = db.prepareStatement("SELECT * FROM tokens WHERE id = ?")) {
        p.setString(1, id);
        return first(p);
      }
    });
  }

  @Override
  public synchronized List<StoredToken> list(String subjectOrNull) {
    return read("list tokens", () -> {
      String sql = "SELECT * FROM tokens" + (subjectOrNull == null ? "" : " WHERE subject = ?")
          + " ORDER BY created_at DESC, id";
      try (PreparedStatement p = db.prepareStatement(sql)) {
        if (subjectOrNull != null) {
          p.setString(1, subjectOrNull);
        }
        List<StoredToken> tokens = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            tokens.add(token(r));
          }
        }
        return tokens;
      }
    });
  }

  @Override
  public synchronized boolean revoke(String id, Instant at) {
    return write("revoke a token", () -> {
      try (PreparedStatement p = db.prepareStatement(
          "UPDATE tokens SET revoked_at = ? WHERE (id = ? OR parent = ?) AND revoked_at IS NULL")) {
        p.setLong(1, at.getEpochSecond());
        p.setString(2, id);
        p.setString(3, id);
        return p.executeUpdate() >= 1;
      }
    });
  }

  @Override
  public synchronized int revokeSubject(String subject, Instant at) {
    return write("revoke the tokens of " + subject, () -> {
      int revoked;
      try (PreparedStatement p = db.prepareStatement(
          "UPDATE tokens SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL")) {
        p.setLong(1, at.getEpochSecond());
        p.setString(2, subject);
        revoked = p.executeUpdate();
      }
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO cutoffs(subject, not_before) VALUES (?, ?)"
              + " ON CONFLICT(subject) DO UPDATE SET not_before = excluded.not_before")) {
        p.setString(1, subject);
        p.setLong(2, at.toEpochMilli()); // milliseconds: a login just after the change must count as after it
        p.executeUpdate();
      }
      return revoked;
    });
  }

  @Override
  public synchronized void touch(String id, Instant at) {
    try {
      // not a state change anyone must react to: no generation bump, no transaction of its own
      try (PreparedStatement p = db.prepareStatement("UPDATE tokens SET last_used_at = ? WHERE id = ?")) {
        p.setLong(1, at.getEpochSecond());
        p.setString(2, id);
        p.executeUpdate();
      }
    } catch (SQLException e) {
      // best effort: a busy database must not fail the request that used the token
    }
  }

  @Override
  public synchronized Revocations revocationsSince(Instant since) {
    return read("read revocations", () -> {
      Set<String> ids = new HashSet<>();
      try (PreparedStatement p = db.prepareStatement("SELECT id FROM tokens WHERE revoked_at >= ?")) {
        p.setLong(1, since.getEpochSecond());
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            ids.add(r.getString(1));
          }
        }
      }
      Map<String, Instant> cutoffs = new HashMap<>();
      try (PreparedStatement p = db.prepareStatement("SELECT subject, not_before FROM cutoffs WHERE not_before >= ?")) {
        p.setLong(1, since.toEpochMilli());
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            cutoffs.put(r.getString(1), Instant.ofEpochMilli(r.getLong(2)));
          }
        }
      }
      return new Revocations(Set.copyOf(ids), Map.copyOf(cutoffs));
    });
  }

  @Override
  public synchronized long generation() {
    return read("read the state's generation", () -> {
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'generation'")) {
        return r.next() ? r.getLong(1) : 0L;
      }
    });
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing on the way out
    }
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T read(String what, Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new AuthStoreException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
    }
  }

  /** One transaction that also bumps the generation, so pollers in other processes notice. */
  private <T> T write(String what, Work<T> work) {
    try {
      db.setAutoCommit(false);
      try {
        T result = work.run();
        try (Statement s = db.createStatement()) {
          s.executeUpdate("UPDATE meta SET value = value + 1 WHERE key = 'generation'");
        }
        db.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new AuthStoreException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
    }
  }

  private static Optional<StoredToken> first(PreparedStatement p) throws SQLException {
    try (ResultSet r = p.executeQuery()) {
      return r.next() ? Optional.of(token(r)) : Optional.empty();
    }
  }

  private static StoredToken token(ResultSet r) throws SQLException {
    String scopes = r.getString("scopes");
    return new StoredToken(
        r.getString("id"),
        StoredToken.Kind.of(r.getString("kind")),
        r.getString("subject"),
        r.getString("name"),
        scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" ")),
        r.getString("parent"),
        r.getBytes("hash"),
        Instant.ofEpochSecond(r.getLong("created_at")),
        instant(r, "expires_at"),
        instant(r, "revoked_at"),
        instant(r, "last_used_at"));
  }

  private static Instant instant(ResultSet r, String column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : Instant.ofEpochSecond(v);
  }

  private static void setInstant(PreparedStatement p, int index, Instant value) throws SQLException {
    if (value == null) {
      p.setNull(index, Types.INTEGER);
    } else {
      p.setLong(index, value.getEpochSecond());
    }
  }
}
