package dev.berth.server.auth;

import dev.berth.server.auth.store.UserStore;
import dev.berth.server.auth.rules.AccessRules;
import dev.berth.server.auth.token.AccessTokens;
import dev.berth.server.auth.token.RevocationList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code --auth token}: requests carry {@code Authorization: Bearer <access token>} from the
 * built-in token endpoint; a request without one gets {@code WWW-Authenticate: Bearer
 * realm="…/token",service="…",scope="…"}, as docker, containers-image and Jib expect.
 *
 * <ul>
 *   <li>A token that does not verify, has expired, was revoked (its refresh or personal token, or
 *       a password change after it was issued) or whose user is gone: 401 {@code invalid_token}.
 *   <li>A valid token without the needed access: 401 {@code insufficient_scope} when a new token
 *       could carry it (the client fetches one and retries), 403 {@code DENIED} when the rules
 *       would not grant it anyway.
 *   <li>What a token carries is also narrowed by the rules in force now, so a rule change applies
 *       to tokens already issued.
 * </ul>
 *
 * Basic credentials are accepted as well (as with {@code --auth basic}), for scripts and curl.
 */
public final class TokenAccessController implements AccessController {
  private final AccessTokens tokens;
  private final RevocationList revocations;
  private final Supplier<AccessRules> rules;
  private final Supplier<? extends UserStore.Users> users;
  private final BasicAccessController basic;
  private final Function<String, String> realmForHost;
  private final dev.berth.server.observe.AuditLog audit;

  /** @param realmForHost the token endpoint's URL for a request's Host header (null: the default) */
  public TokenAccessController(AccessTokens tokens, RevocationList revocations, Supplier<AccessRules> rules,
      Supplier<? extends UserStore.Users> users, CredentialChecker checker, Function<String, String> realmForHost) {
    this(tokens, revocations, rules, users, checker, realmForHost, dev.berth.server.observe.AuditLog.NONE);
  }

  /** @param audit counts access tokens refused (they are routine, e.g. expired, so not written) */
  public TokenAccessController(AccessTokens tokens, RevocationList revocations, Supplier<AccessRules> rules,
      Supplier<? extends UserStore.Users> users, CredentialChecker checker, Function<String, String> realmForHost,
      dev.berth.server.observe.AuditLog audit) {
    this.audit = audit;
    this.tokens = tokens;
    this.revocations = revocations;
    this.rules = rules;
    this.users = users;
    this.realmForHost = realmForHost;
    this.basic = new BasicAccessController(checker, rules, "Berth Registry");
  }

  @Override
  public CompletionStage<Decision> authorize(AccessRequest request) {
    String header = request.authorization();
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return basic.authorize(request).thenApply(d -> d instanceof Decision.Challenge c
          && c.code() == dev.berth.model.ErrorCode.UNAUTHORIZED ? challenge(request, null) : d);
    }
    return CompletableFuture.completedFuture(decide(request, header));
  }

  private Decision decide(AccessRequest request, String header) {
    AccessRules now = rules.get();
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Permissions anonymous = new Permissions(Identity.ANONYMOUS, now, null);
      boolean allowed = !request.authenticationOnly() && anonymous.covers(request.required());
      return allowed ? anonymous : challenge(request, null);
    }
    AccessTokens.Verified token;
    try {
      token = tokens.verify(header.substring(7).trim());
    } catch (AccessTokens.InvalidTokenException e) {
      audit.authFailure("invalid_token");
      return challenge(request, "invalid_token");
    }
    if (revocations.voids(token.subject(), token.sessionId(), token.issuedAt())) {
      audit.authFailure("invalid_token");
      return challenge(request, "invalid_token");
    }
    if (token.subject() != null) {
      UserStore.Users current = users.get();
      if (current == null || !current.contains(token.subject())) {
        audit.authFailure("invalid_token");
        return challenge(request, "invalid_token");
      }
    }
    Identity identity = new Identity(token.subject(), List.of(), token.sessionId());
    Permissions carried = new Permissions(identity, now, token.access());
    if (carried.covers(request.required())) {
      return carried;
    }
    boolean rulesWouldGrant = new Permissions(identity, now, null).covers(request.required());
    if (rulesWouldGrant || token.subject() == null) {
      return challenge(request, "insufficient_scope");
    }
    return Refusals.denied(request);
  }

  private Decision.Challenge challenge(AccessRequest request, String error) {
    StringBuilder h = new StringBuilder("Bearer realm=\"").append(realmForHost.apply(request.host()))
        .append("\",service=\"").append(tokens.service()).append('"');
    String scope = request.challengeScope();
    if (scope != null) {
      h.append(",scope=\"").append(scope).append('"');
    }
    if (error != null) {
      h.append(",error=\"").append(error).append('"');
    }
    return Refusals.unauthorized(request, h.toString());
  }
}
