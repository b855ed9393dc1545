package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers recently verified user/password pairs so that a client sending Basic credentials
 * with every request pays bcrypt once per TTL, not once per request.
 *
 * <p>Nothing reversible is kept: the key is SHA-256 of a per-process random salt, the user and
 * the password; it is compared in constant time. An entry expires after a short TTL and the whole
 * cache is dropped when the users file changes, so a changed or removed password stops working
 * at once.
 */
final class CredentialCache {
  private final byte[] salt = new byte[32];
  private final long ttlNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(byte[] key, long expiresAt) {}

  CredentialCache(Duration ttl, LongSupplier nanoClock) {
    new SecureRandom().nextBytes(salt);
    this.ttlNanos = ttl.toNanos();
    this.clock = nanoClock;
  }

  boolean contains(String user, byte[] password) {
    Entry e = entries.get(user);
    if (e == null) {
      return false;
    }
    if (clock.getAsLong() - e.expiresAt > 0) {
      entries.remove(user, e);
      return false;
    }
    return MessageDigest.isEqual(e.key, key(user, password));
  }

  void put(String user, byte[] password) {
    entries.put(user, new Entry(key(user, password), clock.getAsLong() + ttlNanos));
  }

  void clear() {
    entries.clear();
  }

  private byte[] key(String user, byte[] password) {
    MessageDigest sha = dev.berth.model.Digest.newSha256();
    sha.update(salt);
    sha.update(user.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(password);
    return sha.digest();
  }
}
