package dev.berth.server.auth.token;

import dev.berth.server.auth.store.AuthStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What makes a still-unexpired access token void: the refresh or personal token it came from was
 * revoked, or its user's cut-off (password changed, user removed) is later than its issue time.
 *
 * <p>Access tokens live minutes, so only revocations of the last {@code window} matter; this
 * keeps them in memory and every request checks them without touching the store. A revocation
 * made in this process applies at once; one made elsewhere ({@code berth token revoke}, another
 * replica) applies when {@link #refresh} next runs (the server polls the store's generation every
 * second).
 */
public final class RevocationList {
  private final AuthStore store;
  private final Duration window;
  private final Clock clock;
  private volatile Snapshot snapshot = new Snapshot(Set.of(), Map.of());

  private record Snapshot(Set<String> ids, Map<String, Instant> cutoffs) {}

  /** @param window at least the longest an access token can be accepted (lifetime plus leeway) */
  public RevocationList(AuthStore store, Duration window, Clock clock) {
    this.store = store;
    this.window = window;
    this.clock = clock;
  }

  /** Re-reads recent revocations from the store (blocking). */
  public void refresh() {
    AuthStore.Revocations r = store.revocationsSince(clock.instant().minus(window));
    snapshot = new Snapshot(r.tokenIds(), r.cutoffs());
  }

  /** A revocation made by this process: in force before the store is read again. */
  public synchronized void revoked(String id) {
    Set<String> ids = new HashSet<>(snapshot.ids());
    ids.add(id);
    snapshot = new Snapshot(Set.copyOf(ids), snapshot.cutoffs());
  }

  public synchronized void cutoff(String subject, Instant at) {
    Map<String, Instant> cutoffs = new HashMap<>(snapshot.cutoffs());
    cutoffs.put(subject, at);
    snapshot = new Snapshot(snapshot.ids(), Map.copyOf(cutoffs));
  }

  /** Whether a token issued at {@code issuedAt} to {@code subject} from {@code sessionId} is void. */
  public boolean voids(String subject, String sessionId, Instant issuedAt) {
    Snapshot s = snapshot;
    if (sessionId != null && s.ids().contains(sessionId)) {
      return true;
    }
    Instant cutoff = subject == null ? null : s.cutoffs().get(subject);
    return cutoff != null && !issuedAt.isAfter(cutoff);
  }

  public boolean isRevoked(String id) {
    return snapshot.ids().contains(id);
  }
}
