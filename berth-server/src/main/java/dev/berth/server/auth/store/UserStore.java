package dev.berth.server.auth.store;

import java.util.List;

/**
 * Where the registry's users and their passwords live, beside {@link AuthStore} (their tokens,
 * revocations and cut-offs): the server reads through {@link #current}, {@code berth user} writes
 * through {@link #put} and {@link #remove}. The embedded default is an htpasswd file in the storage
 * directory ({@code HtpasswdUserStore}), which {@code htpasswd -B} can edit too; replicas sharing a
 * database would put a table behind the same interface.
 */
public interface UserStore {
  /** The users at one moment; a new object whenever they change (caches key on it). */
  interface Users {
    boolean contains(String user);

    /** Checks a password (UTF-8 bytes); as slow for an unknown user as for a known one. */
    boolean verify(String user, byte[] password);

    /** The user names, sorted. */
    List<String> names();
  }

  /** The users in force, or null while the source is unusable (every login is refused then). */
  Users current();

  /**
   * Sets {@code user}'s password (bcrypt at {@code cost}), atomically for readers.
   *
   * @param mustExist refuse a user that does not exist (passwd)
   * @param create create the store when it does not exist yet (add)
   * @throws IllegalArgumentException naming what is wrong (a bad name, a missing user, an unusable store)
   */
  void put(String user, char[] password, int cost, boolean mustExist, boolean create);

  /** Removes {@code user}, atomically for readers; an unknown user is an IllegalArgumentException. */
  void remove(String user);
}
