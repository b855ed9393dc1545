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

  @Override
  public String toString() {
    return type + ":" + name + ":"
        + actions.stream().sorted().map(Action::scopeName).collect(Collectors.joining(","));
  }
}
