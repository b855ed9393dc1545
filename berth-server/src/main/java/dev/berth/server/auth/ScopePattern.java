package dev.berth.server.auth;

import dev.berth.server.auth.rules.RepositoryPattern;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A limit on what a personal access token may do, in docker's scope syntax with a glob for the
 * name: {@code repository:team/*:pull,push}, {@code repository:**:pull}, {@code registry:catalog:*}.
 */
public record ScopePattern(String type, RepositoryPattern name, Set<Action> actions) {

  /** @throws IllegalArgumentException naming the bad part */
  public static ScopePattern parse(String text) {
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first <= 0 || last == first || last == text.length() - 1) {
      throw new IllegalArgumentException("invalid scope '" + text
          + "' (expected e.g. repository:team/*:pull,push or registry:catalog:*)");
    }
    String type = text.substring(0, first);
    String name = text.substring(first + 1, last);
    String actions = text.substring(last + 1);
    if (type.equals(Scope.REGISTRY)) {
      if (!name.equals("catalog") || !actions.equals("*")) {
        throw new IllegalArgumentException("invalid scope '" + text + "' (the registry scope is registry:catalog:*)");
      }
      return new ScopePattern(type, null, EnumSet.of(Action.CATALOG));
    }
    if (!type.equals(Scope.REPOSITORY)) {
      throw new IllegalArgumentException("invalid scope '" + text + "': unknown type '" + type
          + "' (expected repository or registry)");
    }
    EnumSet<Action> set = EnumSet.noneOf(Action.class);
    for (String a : actions.split(",")) {
      switch (a.trim().toLowerCase(Locale.ROOT)) {
        case "pull" -> set.add(Action.PULL);
        case "push" -> set.add(Action.PUSH);
        case "delete" -> set.add(Action.DELETE);
        case "*" -> set.addAll(EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE));
        default -> throw new IllegalArgumentException("invalid scope '" + text + "': unknown action '" + a
            + "' (expected pull, push, delete or *)");
      }
    }
    RepositoryPattern pattern;
    try {
      pattern = RepositoryPattern.of(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid scope '" + text + "': " + e.getMessage());
    }
    return new ScopePattern(type, pattern, set);
  }

  /** The actions this pattern leaves open on {@code repository}. */
  public Set<Action> allowed(String repository) {
    return name != null && name.matches(repository) ? actions : Set.of();
  }

  public boolean isCatalog() {
    return type.equals(Scope.REGISTRY);
  }

  @Override
  public String toString() {
    if (isCatalog()) {
      return "registry:catalog:*";
    }
    StringBuilder s = new StringBuilder(type).append(':').append(name.glob()).append(':');
    actions.stream().sorted().forEach(a -> s.append(a.scopeName()).append(','));
    s.setLength(s.length() - 1);
    return s.toString();
  }
}
