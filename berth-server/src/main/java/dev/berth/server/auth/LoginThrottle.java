package dev.berth.server.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows password guessing down without ever locking a user out for good. Failures are counted per
 * user and client address, per client address, and per user across all addresses; past a free
 * allowance each further failure doubles the wait (1 s, 2 s, 4 s …) up to a ceiling, and a quiet
 * quarter of an hour forgets them. While a key waits, attempts are refused before any password is
 * checked (no bcrypt work for a flood), with the time left to wait. Checks still running count as
 * failures until they end, so a burst of simultaneous guesses cannot all slip past the allowance
 * before the first of them is known to be wrong.
 *
 * <p>The per-user key across addresses has a high allowance: only a distributed attack reaches it,
 * and then its wait is short. A user who logged in from an address in the last day is not held up
 * there by the per-address and per-user keys: guesses from elsewhere (or from other users at the
 * same address) cannot lock them out, while guesses of that user's password from that address
 * still meet their own key. Counts are held per process (in memory); replicas each slow a guesser
 * down on their own.
 */
public final class LoginThrottle {
  private static final long FORGET_NANOS = Duration.ofMinutes(15).toNanos();
  private static final long TRUST_NANOS = Duration.ofDays(1).toNanos();
  private static final int MAX_KEYS = 100_000;

  private record Limit(int free, Duration ceiling) {}

  private static final Limit USER_AT_ADDRESS = new Limit(5, Duration.ofSeconds(60));
  private static final Limit ADDRESS = new Limit(30, Duration.ofSeconds(60));
  private static final Limit USER = new Limit(100, Duration.ofSeconds(10));

  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Failures> counts = new ConcurrentHashMap<>();
  /** user@address pairs that logged in, and when last. */
  private final ConcurrentHashMap<String, Long> trusted = new ConcurrentHashMap<>();

  /** Failed attempts, attempts still being checked, and when the last of either began. */
  private record Failures(int count, int pending, long last) {
    int total() {
      return count + pending;
    }
  }

  public LoginThrottle() {
    this(System::nanoTime);
  }

  LoginThrottle(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Zero when {@code user} may try from {@code address} now, else how long to wait. */
  public Duration waitFor(String user, String address) {
    long now = nanoClock.getAsLong();
    long wait = wait(userAtAddress(user, address), USER_AT_ADDRESS, now);
    Long lastLogin = trusted.get(userAtAddress(user, address));
    if (lastLogin == null || now - lastLogin > TRUST_NANOS) {
      wait = Math.max(wait, Math.max(wait(addressKey(address), ADDRESS, now), wait(userKey(user), USER, now)));
    }
    return Duration.ofNanos(wait);
  }

  /** A check of {@code user}'s secret from {@code address} begins; end it with {@link #failed} or {@link #succeeded}. */
  public void checking(String user, String address) {
    long now = nanoClock.getAsLong();
    // waits restart if a flood of names ever fills it
    bound(counts, f -> f.pending() == 0 && now - f.last() > FORGET_NANOS);
    for (String key : keys(user, address)) {
      counts.merge(key, new Failures(0, 1, now), (old, one) ->
          new Failures(now - old.last() > FORGET_NANOS ? 0 : old.count(), old.pending() + 1, now));
    }
  }

  /** The check begun by {@link #checking} found the secret wrong. */
  public void failed(String user, String address) {
    long now = nanoClock.getAsLong();
    for (String key : keys(user, address)) {
      counts.merge(key, new Failures(1, 0, now), (old, one) ->
          new Failures((now - old.last() > FORGET_NANOS ? 0 : old.count()) + 1, Math.max(0, old.pending() - 1), now));
    }
  }

  /** The check begun by {@link #checking} passed: that client's failures for that user are forgiven. */
  public void succeeded(String user, String address) {
    abandoned(user, address);
    counts.remove(userAtAddress(user, address));
    long now = nanoClock.getAsLong();
    bound(trusted, at -> now - at > TRUST_NANOS);
    trusted.put(userAtAddress(user, address), now);
  }

  /** The check begun by {@link #checking} did not happen (no capacity, or it broke): no verdict. */
  public void abandoned(String user, String address) {
    for (String key : keys(user, address)) {
      counts.computeIfPresent(key, (k, old) -> new Failures(old.count(), Math.max(0, old.pending() - 1), old.last()));
    }
  }

  /** Keeps {@code map} under {@link #MAX_KEYS}: first without the stale entries, else empty. */
  private static <V> void bound(java.util.Map<String, V> map, java.util.function.Predicate<V> stale) {
    if (map.size() > MAX_KEYS) {
      map.values().removeIf(stale);
      if (map.size() > MAX_KEYS) {
        map.clear(); // memory stays bounded whatever a flood of names does
      }
    }
  }

  private static String[] keys(String user, String address) {
    return new String[] {userAtAddress(user, address), addressKey(address), userKey(user)};
  }

  private long wait(String key, Limit limit, long now) {
    Failures f = counts.get(key);
    if (f == null || f.total() <= limit.free() || f.pending() == 0 && now - f.last() > FORGET_NANOS) {
      return 0;
    }
    int over = Math.min(30, f.total() - limit.free() - 1);
    long backoff = Math.min(Duration.ofSeconds(1).toNanos() << over, limit.ceiling().toNanos());
    return Math.max(0, f.last() + backoff - now);
  }

  private static String userAtAddress(String user, String address) {
    return "u@a\n" + user + "\n" + address;
  }

  private static String addressKey(String address) {
    return "a\n" + address;
  }

  private static String userKey(String user) {
    return "u\n" + user;
  }
}
