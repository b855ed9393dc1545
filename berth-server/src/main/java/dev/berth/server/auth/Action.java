package dev.berth.server.auth;

/** What a client may do to a repository, named as in docker's token scopes. */
public enum Action {
  PULL("pull"),
  PUSH("push"),
  DELETE("delete"),
  /** Listing all repositories ({@code registry:catalog:*}). */
  CATALOG("*");

  private final String scopeName;

  Action(String scopeName) {
    this.scopeName = scopeName;
  }

  public String scopeName() {
    return scopeName;
  }
}
