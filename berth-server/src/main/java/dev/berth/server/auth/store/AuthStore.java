package dev.berth.server.auth.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registry's auth state that outlives a request: refresh tokens, personal access tokens,
 * revocations and per-user cut-offs. The embedded implementation ({@link SqliteAuthStore}) lives
 * in the storage directory; a shared database will serve several replicas, so nothing here
 * assumes it is the only process: other processes ({@code berth user}, {@code berth token}, other
 * replicas) write too, and {@link #generation()} tells a reader that something changed.
 *
 * <p>Calls block (disk or network): never make them on an event-loop thread.
 */
public interface AuthStore extends AutoCloseable {

  void add(StoredToken token);

  /** The token whose secret hashes to {@code hash}, revoked or not. */
  Optional<StoredToken> findByHash(byte[] hash);

  Optional<StoredToken> findById(String id);

  /** Tokens of one user (or all, with null), newest first, revoked ones included. */
  List<StoredToken> list(String subjectOrNull);

  /**
   * Marks a token revoked, and the refresh tokens issued to logins with it.
   *
   * @return false when it was unknown or already revoked
   */
  boolean revoke(String id, Instant at);

  /**
   * Revokes every token of {@code subject} and records {@code at} as the user's cut-off: access
   * tokens issued to the user before it stop working too (a password change, a removed user).
   *
   * @return how many tokens were revoked
   */
  int revokeSubject(String subject, Instant at);

  /** Records that a token was just used (best effort, for {@code berth token list}). */
  void touch(String id, Instant at);

  /**
   * Ids revoked at or after {@code since}, and the users whose cut-off is at or after it: what a
   * verifier of short-lived access tokens must still refuse.
   */
  Revocations revocationsSince(Instant since);

  /** Grows whenever any process changes the state; cheap to read, for polling. */
  long generation();

  @Override
  void close();

  /** @param cutoffs user → instant before which their access tokens are void */
  record Revocations(java.util.Set<String> tokenIds, java.util.Map<String, Instant> cutoffs) {}
}
