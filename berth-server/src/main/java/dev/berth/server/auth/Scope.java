package dev.berth.server.auth;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Access to one resource: a repository (by name) or, for the catalog, the registry itself. The
 * string form is docker's token scope ({@code repository:library/ubuntu:pull,push}), which is what
 * a bearer-token controller will put in its challenge.
 */
public record Scope(String type, String name, Set<Action> actions) {
  public static final String REPOSITORY = "repository";
  public static final String REGISTRY = "registry";

  public static Scope repository(String name, Action... actions) {
    return new Scope(REPOSITORY, name, Set.of(actions));
  }

  public static Scope catalog() {
    return new Scope(REGISTRY, "catalog", Set.of(Action.CATALOG));
  }

  /**
   * A scope as a token request names it ({@code repository:library/ubuntu:pull,push},
   * {@code repository(plugin):x:pull}, {@code registry:catalog:*}). Actions Berth does not know are
   * dropped (asking for more than exists is not an error); so is a resource class.
   *
   * @return null when the text is not a scope at all
   */
  public static Scope parse(String text) {
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first <= 0 || last == first) {
      return null;
    }
    String type = text.substring(0, first);
    int paren = type.indexOf('(');
    if (paren > 0 && type.endsWith(")")) {
      type = type.substring(0, paren);
    }
    String name = text.substring(first + 1, last);
    java.util.EnumSet<Action> actions = java.util.EnumSet.noneOf(Action.class);
    for (String a : text.substring(last + 1).split(",")) {
      for (Action known : Action.values()) {
        if (known.scopeName().equals(a.trim())) {
          actions.add(known);
        }
      }
    }
    if (type.equals(REGISTRY)) {
      return name.equals("catalog") && actions.contains(Action.CATALOG) ? catalog() : null;
    }
    actions.remove(Action.CATALOG);
    if (!type.equals(REPOSITORY) || name.isEmpty() || !dev.berth.model.Names.isRepository(name)) {
      return null;
    }
    return new Scope(REPOSITORY, name, Set.copyOf(actions));
  }

  @Override
  public String toString() {
    return type + ":" + name + ":"
        + actions.stream().sorted().map(Action::scopeName).collect(Collectors.joining(","));
  }
}
