package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers recently verified user/secret pairs (passwords and personal access tokens) so that a
 * client sending Basic credentials with every request pays for bcrypt or a store look-up once per
 * TTL, not once per request.
 *
 * <p>Nothing reversible is kept: the key is SHA-256 of a per-process random salt, the user and
 * the secret, and a look-up is by that hash (so timing reveals no prefix of a secret). An entry expires after a short TTL and the whole
 * cache is dropped when users, tokens or revocations change, so a changed password or a revoked
 * token stops working at once.
 */
final class CredentialCache {
  private static final int MAX_ENTRIES = 100_000;

  private final byte[] salt = new byte[32];
  private final long ttlNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** Keyed by the salted hash itself: a user may have several secrets in use (a password, tokens). */
  private record Entry(Identity identity, Object users, long expiresAt) {}

  CredentialCache(Duration ttl, LongSupplier nanoClock) {
    new SecureRandom().nextBytes(salt);
    this.ttlNanos = ttl.toNanos();
    this.clock = nanoClock;
  }

  /**
   * The identity these credentials were found to be, or null when not (or no longer) known.
   *
   * @param users the users in force: an entry verified against other users (the file changed
   *     since) does not count, whichever thread noticed the change first
   */
  Identity get(String user, byte[] secret, Object users) {
    String key = key(user, secret);
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (clock.getAsLong() - e.expiresAt > 0 || e.users != users) {
      entries.remove(key, e);
      return null;
    }
    return e.identity;
  }

  void put(String user, byte[] secret, Identity identity, Object users) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key(user, secret), new Entry(identity, users, clock.getAsLong() + ttlNanos));
  }

  void clear() {
    entries.clear();
  }

  /** A map key that reveals nothing: salted, so equal secrets in two processes look different. */
  private String key(String user, byte[] secret) {
    MessageDigest sha = dev.berth.model.Digest.newSha256();
    sha.update(salt);
    sha.update(user.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(secret);
    return java.util.HexFormat.of().formatHex(sha.digest());
  }
}
