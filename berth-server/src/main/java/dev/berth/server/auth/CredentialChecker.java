package dev.berth.server.auth;

import dev.berth.server.auth.store.AuthStore;
import dev.berth.server.auth.store.UserStore;
import dev.berth.server.observe.AuditEvent;
import dev.berth.server.observe.AuditLog;
import dev.berth.server.auth.store.StoredToken;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Checks a user name and secret, wherever they arrive (Basic on a registry request, the token
 * endpoint's GET or password grant). The secret is a password from the users file (bcrypt) or a
 * personal access token ({@code berth_pat_…}) of that user.
 *
 * <ol>
 *   <li>A client that has guessed wrong too often waits ({@link LoginThrottle}): refused before
 *       any work, so a flood costs no bcrypt.
 *   <li>Recently verified pairs answer from {@link CredentialCache} at once.
 *   <li>Passwords are verified by bcrypt on a small bounded pool: when its queue is full the
 *       answer is "busy, retry" rather than an ever longer wait for everyone.
 *   <li>Personal access tokens are looked up by hash in the {@link AuthStore}.
 * </ol>
 *
 * Every failed check goes to the {@link AuditLog} (each costs a bcrypt, which bounds how fast
 * they can come); a throttled attempt is only counted, since refusing it cost nothing and logging
 * each would let a flood of guesses fill the disk. Successes are logins for the caller to record
 * ({@link #loggedIn}): every token request is one, while Basic on every request logs only the
 * verifications the cache did not answer.
 */
public final class CredentialChecker {
  /** What a check found. */
  public sealed interface Result {
    /**
     * @param method {@code password} or {@code personal_token}
     * @param fresh verified now (not answered from the cache of recent verifications)
     */
    record Ok(Identity identity, String method, boolean fresh) implements Result {}

    /** Wrong user, password or token; also a removed user or a revoked token. */
    record Refused() implements Result {}

    /** Too many failures from this client or for this user: try again after {@code delay}. */
    record Throttled(Duration delay) implements Result {}

    /** Too many password checks queued: try again in a moment. */
    record Busy() implements Result {}
  }

  /** The users in force; null while the users file is invalid. */
  private final Supplier<? extends UserStore.Users> users;
  private final AuthStore store;
  private final Executor bcrypt;
  private final Executor storeWork;
  private final LoginThrottle throttle;
  private final Clock clock;
  private final AuditLog audit;
  private final CredentialCache cache = new CredentialCache(Duration.ofMinutes(1), System::nanoTime);

  /**
   * @param bcrypt a bounded pool: it rejects work when full (see {@code Executors} setup in the server)
   * @param storeWork threads that may block on the auth store
   */
  public CredentialChecker(Supplier<? extends UserStore.Users> users, AuthStore store, Executor bcrypt,
      Executor storeWork, LoginThrottle throttle, Clock clock) {
    this(users, store, bcrypt, storeWork, throttle, clock, AuditLog.NONE);
  }

  /** @param audit where logins go, good and bad */
  public CredentialChecker(Supplier<? extends UserStore.Users> users, AuthStore store, Executor bcrypt,
      Executor storeWork, LoginThrottle throttle, Clock clock, AuditLog audit) {
    this.audit = audit;
    this.users = users;
    this.store = store;
    this.bcrypt = bcrypt;
    this.storeWork = storeWork;
    this.throttle = throttle;
    this.clock = clock;
  }

  /** Records a successful login in the audit log. */
  public void loggedIn(String user, String address, Result.Ok ok) {
    audit.record(AuditEvent.login(user, address, ok.method(), true, null));
  }

  /** Forgets every verified pair: users, tokens or revocations changed. */
  public void forgetVerified() {
    cache.clear();
  }

  public CompletionStage<Result> check(String user, String secret, String address) {
    Duration wait = throttle.waitFor(user, address);
    if (!wait.isZero()) {
      audit.authFailure("throttled");
      return CompletableFuture.completedFuture(new Result.Throttled(wait));
    }
    // first the users in force: a changed file drops the cache before it is consulted
    UserStore.Users current = users.get();
    if (current == null) {
      audit.record(AuditEvent.login(user, address, "password", false, "the users file is invalid"));
      return CompletableFuture.completedFuture(new Result.Refused());
    }
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    Identity cached = cache.get(user, bytes, current);
    if (cached != null) {
      return CompletableFuture.completedFuture(new Result.Ok(cached,
          TokenSecrets.isPersonal(secret) ? "personal_token" : "password", false));
    }
    Executor executor = TokenSecrets.isPersonal(secret) ? storeWork : bcrypt;
    throttle.checking(user, address);
    try {
      return CompletableFuture.supplyAsync(() -> {
        boolean judged = false;
        try {
          boolean personal = TokenSecrets.isPersonal(secret);
          Identity identity = personal
              ? personalToken(current, user, secret)
              : current.verify(user, bytes) ? Identity.user(user) : null;
          String method = personal ? "personal_token" : "password";
          judged = true;
          if (identity == null) {
            throttle.failed(user, address);
            audit.record(AuditEvent.login(user, address, method, false, !current.contains(user) ? "unknown user"
                : personal ? "invalid, expired or revoked personal token" : "wrong password"));
            return (Result) new Result.Refused();
          }
          throttle.succeeded(user, address);
          cache.put(user, bytes, identity, current);
          return new Result.Ok(identity, method, true);
        } finally {
          if (!judged) {
            throttle.abandoned(user, address); // the store failed: no verdict on the secret
          }
          Arrays.fill(bytes, (byte) 0);
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      throttle.abandoned(user, address);
      return CompletableFuture.completedFuture(new Result.Busy());
    }
  }

  private Identity personalToken(UserStore.Users current, String user, String secret) {
    Optional<StoredToken> found = store.findByHash(TokenSecrets.hash(secret));
    Instant now = clock.instant();
    if (found.isEmpty()) {
      return null;
    }
    StoredToken t = found.get();
    if (t.kind() != StoredToken.Kind.PERSONAL || !t.activeAt(now) || !t.subject().equals(user)
        || !current.contains(user)) {
      return null;
    }
    store.touch(t.id(), now);
    return new Identity(user, limits(t), t.id());
  }

  /** A stored token's scope patterns (written by Berth, so they parse). */
  public static List<ScopePattern> limits(StoredToken t) {
    List<ScopePattern> limits = new ArrayList<>();
    for (String s : t.scopes()) {
      limits.add(ScopePattern.parse(s));
    }
    return limits;
  }
}
