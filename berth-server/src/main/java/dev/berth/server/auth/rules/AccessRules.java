package dev.berth.server.auth.rules;

import dev.berth.server.auth.Action;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what to which repositories. A request is allowed when any rule allows it, and
 * nothing is allowed otherwise; there are no deny rules, so the order of rules never matters.
 *
 * <p>Without a rules file: every authenticated user may pull and push, anonymous clients nothing.
 */
public final class AccessRules {
  /**
   * @param users user names; {@code *} is every authenticated user
   * @param anonymous whether the rule also applies to clients without credentials (and so to all)
   */
  public record Rule(List<RepositoryPattern> repositories, Set<String> users, Set<String> groups,
      boolean anonymous, Set<Action> actions) {

    boolean appliesTo(String subject, Set<String> groupsOfSubject) {
      if (anonymous) {
        return true;
      }
      if (subject == null) {
        return false;
      }
      if (users.contains("*") || users.contains(subject)) {
        return true;
      }
      for (String g : groupsOfSubject) {
        if (groups.contains(g)) {
          return true;
        }
      }
      return false;
    }

    boolean covers(String repository) {
      for (RepositoryPattern p : repositories) {
        if (p.matches(repository)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final AccessRules DEFAULTS = new AccessRules(Map.of(), List.of(new Rule(
      List.of(RepositoryPattern.of("**")), Set.of("*"), Set.of(), false, EnumSet.of(Action.PULL, Action.PUSH))));

  private final Map<String, Set<String>> groupsByUser;
  private final List<Rule> rules;
  private final boolean anyAnonymous;

  /** @param groupsByUser user → the groups they belong to */
  public AccessRules(Map<String, Set<String>> groupsByUser, List<Rule> rules) {
    this.groupsByUser = Map.copyOf(groupsByUser);
    this.rules = List.copyOf(rules);
    this.anyAnonymous = rules.stream().anyMatch(Rule::anonymous);
  }

  /** Authenticated users pull and push everything; anonymous clients get nothing. */
  public static AccessRules defaults() {
    return DEFAULTS;
  }

  /** What {@code subject} (null: anonymous) may do to {@code repository}. */
  public Set<Action> allowed(String subject, String repository) {
    Set<String> groups = subject == null ? Set.of() : groupsByUser.getOrDefault(subject, Set.of());
    EnumSet<Action> allowed = EnumSet.noneOf(Action.class);
    for (Rule r : rules) {
      if (r.appliesTo(subject, groups) && r.covers(repository)) {
        allowed.addAll(r.actions());
      }
    }
    return allowed;
  }

  public boolean allows(String subject, String repository, Action action) {
    return allowed(subject, repository).contains(action);
  }

  /**
   * Listing the catalog ({@code registry:catalog:*}): every authenticated user, and anonymous
   * clients when some rule lets them in. The listing itself shows only what the caller may pull.
   */
  public boolean allowsCatalog(String subject) {
    return subject != null || anyAnonymous;
  }

  public int size() {
    return rules.size();
  }
}
