package dev.berth.server.auth;

import dev.berth.server.auth.rules.AccessRules;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one request may do: the access rules for its subject, narrowed by a personal access
 * token's limits and, for a bearer token, by the access the token carries. Handlers ask it about
 * optional scopes (may this caller pull the mount source?); they never see credentials.
 */
public final class Permissions implements Decision.Grant {
  private final Identity identity;
  private final AccessRules rules;
  private final List<Scope> claims;

  /** @param claims a bearer token's access; null for Basic or anonymous requests (rules alone) */
  public Permissions(Identity identity, AccessRules rules, List<Scope> claims) {
    this.identity = identity;
    this.rules = rules;
    this.claims = claims;
  }

  /** Everything, for {@code --auth none}. */
  public static Decision.Grant everything() {
    return new Decision.Grant() {
      @Override
      public String subject() {
        return null;
      }

      @Override
      public boolean allows(String repository, Action action) {
        return true;
      }

      @Override
      public boolean allowsCatalog() {
        return true;
      }
    };
  }

  @Override
  public String subject() {
    return identity.subject();
  }

  public Identity identity() {
    return identity;
  }

  /** The actions open on {@code repository}. */
  public Set<Action> allowed(String repository) {
    Set<Action> allowed = EnumSet.noneOf(Action.class);
    allowed.addAll(rules.allowed(identity.subject(), repository));
    if (!identity.limits().isEmpty()) {
      Set<Action> limit = EnumSet.noneOf(Action.class);
      identity.limits().forEach(p -> limit.addAll(p.allowed(repository)));
      allowed.retainAll(limit);
    }
    if (claims != null) {
      Set<Action> carried = EnumSet.noneOf(Action.class);
      for (Scope s : claims) {
        if (s.type().equals(Scope.REPOSITORY) && s.name().equals(repository)) {
          carried.addAll(s.actions());
        }
      }
      allowed.retainAll(carried);
    }
    return allowed;
  }

  @Override
  public boolean allows(String repository, Action action) {
    return allowed(repository).contains(action);
  }

  @Override
  public boolean lists(String repository) {
    return new Permissions(identity, rules, null).allows(repository, Action.PULL);
  }

  @Override
  public boolean allowsCatalog() {
    if (!rules.allowsCatalog(identity.subject())) {
      return false;
    }
    if (!identity.limits().isEmpty() && identity.limits().stream().noneMatch(ScopePattern::isCatalog)) {
      return false;
    }
    return claims == null || claims.contains(Scope.catalog());
  }

  /** Whether every required scope is covered. */
  public boolean covers(List<Scope> required) {
    for (Scope s : required) {
      boolean ok = s.type().equals(Scope.REGISTRY) ? allowsCatalog() : allowed(s.name()).containsAll(s.actions());
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
