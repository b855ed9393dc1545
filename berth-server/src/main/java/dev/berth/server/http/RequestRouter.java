package dev.berth.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The first stop of every request on the registry's listener: the {@link RequestObserver} opens
 * its record; the probes, the CA and metrics ({@link OpenEndpoints}) are answered even on
 * connections past the connection limit; anything else on such a connection is refused
 * ({@link ConnectionGuard}); the token service's paths go to {@link TokenEndpoint} (with token
 * auth), everything else to the registry API.
 */
public final class RequestRouter implements Handler<HttpServerRequest> {
  private final RegistryRequestHandler registry;
  private final TokenEndpoint tokens;
  private final OpenEndpoints open;
  private final ConnectionGuard guard;
  private final RequestObserver observer;

  /** @param tokens null without token auth: then {@code /token} is just an unknown path */
  public RequestRouter(RequestObserver observer, OpenEndpoints open, ConnectionGuard guard,
      RegistryRequestHandler registry, TokenEndpoint tokens) {
    this.observer = observer;
    this.open = open;
    this.guard = guard;
    this.registry = registry;
    this.tokens = tokens;
  }

  @Override
  public void handle(HttpServerRequest request) {
    var rec = observer.begin(request);
    if (open.handle(request, rec)) {
      return;
    }
    if (guard != null && guard.refuseReserved(request)) {
      rec.route("Refused");
      return;
    }
    if (tokens != null && TokenEndpoint.handles(request.path())) {
      request.pause();
      tokens.handle(request, rec);
    } else {
      registry.handle(request, rec);
    }
  }
}
