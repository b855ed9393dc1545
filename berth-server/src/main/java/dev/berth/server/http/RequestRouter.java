package dev.berth.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The first stop of every request: the token service's paths go to {@link TokenEndpoint} (when
 * the registry runs with token auth), everything else to the registry API.
 */
public final class RequestRouter implements Handler<HttpServerRequest> {
  private final RegistryRequestHandler registry;
  private final TokenEndpoint tokens;

  /** @param tokens null without token auth: then {@code /token} is just an unknown path */
  public RequestRouter(RegistryRequestHandler registry, TokenEndpoint tokens) {
    this.registry = registry;
    this.tokens = tokens;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (tokens != null && TokenEndpoint.handles(request.path())) {
      request.pause();
      tokens.handle(request);
    } else {
      registry.handle(request);
    }
  }
}
