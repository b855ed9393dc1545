package dev.berth.server.auth.token;

import dev.berth.server.auth.store.UserStore;
import dev.berth.server.auth.Action;
import dev.berth.server.auth.CredentialChecker;
import dev.berth.server.auth.Identity;
import dev.berth.server.auth.Permissions;
import dev.berth.server.auth.Scope;
import dev.berth.server.auth.TokenSecrets;
import dev.berth.server.auth.rules.AccessRules;
import dev.berth.server.auth.store.AuthStore;
import dev.berth.server.auth.store.StoredToken;
import dev.berth.server.observe.AuditEvent;
import dev.berth.server.observe.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The token endpoint's logic, as docker's token-auth spec and distribution's OAuth2 variant
 * describe it (no HTTP here; {@code http.TokenEndpoint} adapts it):
 *
 * <ul>
 *   <li>{@code GET /token?service=&scope=…&offline_token=&client_id=&account=} with Basic
 *       credentials (a password or a personal access token), or none for anonymous access;
 *   <li>{@code POST /token} with {@code grant_type=password} or {@code grant_type=refresh_token}.
 * </ul>
 *
 * The access granted is what was asked intersected with what the rules (and a personal token's
 * limits) allow; asking for more is not an error. With {@code offline_token=true} (GET) or
 * {@code access_type=offline} (POST) a login also gets a refresh token: {@code docker login} keeps
 * it as its identity token instead of the password, and revoking it ends that login everywhere.
 */
public final class TokenService {
  private final AccessTokens tokens;
  private final CredentialChecker checker;
  private final AuthStore store;
  private final Supplier<AccessRules> rules;
  private final Supplier<? extends UserStore.Users> users;
  private final RevocationList revocations;
  private final Executor storeWork;
  private final Clock clock;
  private final Duration refreshLifetime;
  private final Runnable onRevoked;
  private final AuditLog audit;

  /** A token request, whichever flow it came by. */
  public record Request(
      Grant grant, String username, String secret, String refreshToken, String service, List<String> scopes,
      boolean offline, String clientId, String account, String address) {}

  public enum Grant {
    /** GET with Basic credentials, or anonymous. */
    BASIC_GET,
    PASSWORD,
    REFRESH_TOKEN
  }

  public sealed interface Result {
    /**
     * @param refreshToken null unless an offline login asked for one
     * @param granted the access in the token, as space-separated scopes
     */
    record Issued(String token, long expiresIn, Instant issuedAt, String refreshToken, String granted)
        implements Result {}

    /**
     * @param status HTTP status
     * @param error the OAuth2 error code ({@code invalid_grant}, {@code invalid_request} …)
     * @param retryAfter seconds, or 0
     */
    record Failed(int status, String error, String message, long retryAfter) implements Result {}
  }

  public TokenService(AccessTokens tokens, CredentialChecker checker, AuthStore store, Supplier<AccessRules> rules,
      Supplier<? extends UserStore.Users> users, RevocationList revocations, Executor storeWork, Clock clock,
      Duration refreshLifetime, Runnable onRevoked) {
    this(tokens, checker, store, rules, users, revocations, storeWork, clock, refreshLifetime, onRevoked, AuditLog.NONE);
  }

  /** @param audit where refresh tokens issued, rejected and revoked go */
  public TokenService(AccessTokens tokens, CredentialChecker checker, AuthStore store, Supplier<AccessRules> rules,
      Supplier<? extends UserStore.Users> users, RevocationList revocations, Executor storeWork, Clock clock,
      Duration refreshLifetime, Runnable onRevoked, AuditLog audit) {
    this.audit = audit;
    this.tokens = tokens;
    this.checker = checker;
    this.store = store;
    this.rules = rules;
    this.users = users;
    this.revocations = revocations;
    this.storeWork = storeWork;
    this.clock = clock;
    this.refreshLifetime = refreshLifetime;
    this.onRevoked = onRevoked;
  }

  public AccessTokens tokens() {
    return tokens;
  }

  public CompletionStage<Result> issue(Request r) {
    if (r.service() != null && !r.service().isEmpty() && !r.service().equals(tokens.service())) {
      return done(new Result.Failed(400, "invalid_request",
          "unknown service '" + r.service() + "' (this registry is '" + tokens.service() + "')", 0));
    }
    return switch (r.grant()) {
      case REFRESH_TOKEN -> {
        if (r.refreshToken() == null || r.refreshToken().isEmpty()) {
          yield done(new Result.Failed(400, "invalid_request", "refresh_token is required", 0));
        }
        yield CompletableFuture.supplyAsync(() -> fromRefreshToken(r), storeWork);
      }
      case PASSWORD, BASIC_GET -> {
        if (r.username() == null) {
          if (r.grant() == Grant.PASSWORD) {
            yield done(new Result.Failed(400, "invalid_request", "username and password are required", 0));
          }
          yield done(grant(Identity.ANONYMOUS, r));
        }
        if (r.account() != null && !r.account().isEmpty() && !r.account().equals(r.username())) {
          yield done(new Result.Failed(400, "invalid_request",
              "account '" + r.account() + "' does not match the user name", 0));
        }
        yield checker.check(r.username(), r.secret() == null ? "" : r.secret(), r.address())
            .thenComposeAsync(result -> switch (result) {
              case CredentialChecker.Result.Ok ok -> {
                checker.loggedIn(r.username(), r.address(), ok);
                yield CompletableFuture.supplyAsync(() -> grant(ok.identity(), r), storeWork);
              }
              case CredentialChecker.Result.Refused x -> done(new Result.Failed(401, "invalid_grant",
                  "incorrect username or password", 0));
              case CredentialChecker.Result.Throttled t -> done(new Result.Failed(429, "slow_down",
                  "too many failed logins, try again in " + seconds(t.delay()) + " s", seconds(t.delay())));
              case CredentialChecker.Result.Busy b -> done(new Result.Failed(429, "temporarily_unavailable",
                  "too many logins at once, try again in a moment", 1));
            }, storeWork);
      }
    };
  }

  /** RFC 7009: revokes a refresh token or a personal access token; unknown tokens are no error. */
  public CompletionStage<Boolean> revoke(String token) {
    return revoke(token, null);
  }

  /** As {@link #revoke(String)}, for a client at {@code address} (the audit log names it). */
  public CompletionStage<Boolean> revoke(String token, String address) {
    if (!TokenSecrets.isRefresh(token) && !TokenSecrets.isPersonal(token)) {
      return done(false);
    }
    return CompletableFuture.supplyAsync(() -> {
      Optional<StoredToken> found = store.findByHash(TokenSecrets.hash(token));
      if (found.isEmpty()) {
        return false;
      }
      revokeById(found.get().id());
      audit.record(AuditEvent.tokenRevoked(found.get().id(), found.get().subject(), "logout", address));
      return true;
    }, storeWork);
  }

  /** Revokes by id (blocking): stored, then in force here at once. */
  public void revokeById(String id) {
    Instant now = clock.instant();
    store.revoke(id, now);
    for (StoredToken t : store.list(store.findById(id).map(StoredToken::subject).orElse(null))) {
      if (t.revokedAt() != null && (t.id().equals(id) || id.equals(t.parent()))) {
        revocations.revoked(t.id());
      }
    }
    onRevoked.run();
  }

  private Result fromRefreshToken(Request r) {
    Optional<StoredToken> found = store.findByHash(TokenSecrets.hash(r.refreshToken()));
    Instant now = clock.instant();
    if (found.isEmpty() || found.get().kind() != StoredToken.Kind.REFRESH || !found.get().activeAt(now)) {
      audit.record(AuditEvent.login(found.map(StoredToken::subject).orElse(r.username()), r.address(), "refresh_token",
          false, "invalid, expired or revoked refresh token"));
      return new Result.Failed(401, "invalid_grant", "the refresh token is invalid, expired or revoked", 0);
    }
    StoredToken t = found.get();
    UserStore.Users current = users.get();
    if (current == null || !current.contains(t.subject())) {
      audit.record(AuditEvent.login(t.subject(), r.address(), "refresh_token", false, "the user no longer exists"));
      return new Result.Failed(401, "invalid_grant", "the refresh token's user no longer exists", 0);
    }
    store.touch(t.id(), now);
    return grant(new Identity(t.subject(), CredentialChecker.limits(t), t.id()), r);
  }

  /** Intersects what was asked with what is allowed, and signs it (runs off the event loop). */
  private Result grant(Identity identity, Request r) {
    Permissions allowed = new Permissions(identity, rules.get(), null);
    Map<String, Scope> granted = new LinkedHashMap<>();
    for (String text : r.scopes()) {
      for (String one : text.trim().split(" ")) { // the OAuth2 form joins scopes with spaces
        Scope asked = one.isEmpty() ? null : Scope.parse(one);
        if (asked == null) {
          continue;
        }
        if (asked.type().equals(Scope.REGISTRY)) {
          if (allowed.allowsCatalog()) {
            granted.put("registry:catalog", Scope.catalog());
          }
          continue;
        }
        Set<Action> actions = EnumSet.noneOf(Action.class);
        actions.addAll(asked.actions());
        actions.retainAll(allowed.allowed(asked.name()));
        Scope previous = granted.get(asked.name());
        if (previous != null) {
          actions.addAll(previous.actions());
        }
        if (!actions.isEmpty()) {
          granted.put(asked.name(), new Scope(Scope.REPOSITORY, asked.name(), Set.copyOf(actions)));
        }
      }
    }
    List<Scope> access = new ArrayList<>(granted.values());
    String refresh = null;
    String session = identity.tokenId();
    if (r.offline() && !identity.anonymous() && r.grant() != Grant.REFRESH_TOKEN) {
      refresh = TokenSecrets.newSecret(TokenSecrets.REFRESH_PREFIX);
      Instant now = clock.instant();
      StoredToken stored = new StoredToken(TokenSecrets.newId(), StoredToken.Kind.REFRESH, identity.subject(),
          r.clientId() == null || r.clientId().isEmpty() ? "unknown client" : r.clientId(),
          identity.limits().stream().map(Object::toString).toList(), identity.tokenId(),
          TokenSecrets.hash(refresh), now, now.plus(refreshLifetime), null, null);
      store.add(stored);
      session = stored.id();
      audit.record(AuditEvent.tokenIssued(stored.id(), "refresh", stored.subject(), stored.name(), stored.scopes(),
          r.address()));
    }
    Instant issuedAt = clock.instant();
    String token = tokens.issue(identity.subject(), access, session);
    StringBuilder scope = new StringBuilder();
    access.forEach(s -> scope.append(scope.isEmpty() ? "" : " ").append(s));
    return new Result.Issued(token, tokens.lifetime().toSeconds(), issuedAt, refresh, scope.toString());
  }

  private static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
