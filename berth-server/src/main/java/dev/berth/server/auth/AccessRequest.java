package dev.berth.server.auth;

import java.util.List;

/**
 * What a request needs, derived in this one place from its method and route, so that no handler
 * decides access on its own.
 *
 * @param authorization the request's {@code Authorization} header, or null
 * @param required scopes without which the request is refused
 * @param optional scopes the handler may use if granted (a mount's source); never a challenge
 * @param client the client's address, for throttling password guesses
 * @param host the request's {@code Host} header (where a token realm is reachable), or null
 */
public record AccessRequest(
    String authorization, List<Scope> required, List<Scope> optional, String client, String host) {

  public AccessRequest(String authorization, List<Scope> required, List<Scope> optional) {
    this(authorization, required, optional, "unknown", null);
  }

  /**
   * GET/HEAD → pull; POST/PUT/PATCH → pull,push; DELETE → delete, except that cancelling an upload
   * session is part of pushing (push); a mount's {@code from} → pull on the source (optional:
   * without it the upload proceeds as a plain session). A request with no repository (the base
   * {@code /v2/} check) needs only authentication; the catalog needs the registry catalog scope.
   */
  public static AccessRequest derive(String authorization, String method, String repository, boolean catalog,
      String mountFrom, String client, String host) {
    return derive(authorization, method, repository, catalog, false, mountFrom, client, host);
  }

  /** @param uploadSession the route is an upload session's ({@code /blobs/uploads/…}) */
  public static AccessRequest derive(String authorization, String method, String repository, boolean catalog,
      boolean uploadSession, String mountFrom, String client, String host) {
    if (catalog) {
      return new AccessRequest(authorization, List.of(Scope.catalog()), List.of(), client, host);
    }
    if (repository == null) {
      return new AccessRequest(authorization, List.of(), List.of(), client, host);
    }
    Scope needed = switch (method) {
      case "GET", "HEAD" -> Scope.repository(repository, Action.PULL);
      case "DELETE" -> uploadSession ? Scope.repository(repository, Action.PULL, Action.PUSH)
          : Scope.repository(repository, Action.DELETE);
      default -> Scope.repository(repository, Action.PULL, Action.PUSH);
    };
    List<Scope> optional =
        mountFrom == null ? List.of() : List.of(Scope.repository(mountFrom, Action.PULL));
    return new AccessRequest(authorization, List.of(needed), optional, client, host);
  }

  /** The base {@code /v2/} check: authentication only. */
  public boolean authenticationOnly() {
    return required.isEmpty();
  }

  /** The required scopes in a challenge's {@code scope} parameter (space-separated), or null. */
  public String challengeScope() {
    if (required.isEmpty()) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    required.forEach(scope -> s.append(s.isEmpty() ? "" : " ").append(scope));
    return s.toString();
  }
}
