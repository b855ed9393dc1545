package dev.berth.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET|HEAD /healthz}: 200 while the server accepts and answers requests. No credentials,
 * no storage access: an orchestrator's liveness probe. It is answered even on connections past
 * the connection limit ({@link ConnectionGuard} keeps room for it).
 */
public final class HealthCheck {
  public static final String PATH = "/healthz";

  private HealthCheck() {}

  /** {@code next} serves everything but the health endpoint. */
  public static Handler<HttpServerRequest> orElse(Handler<HttpServerRequest> next) {
    return request -> {
      if (PATH.equals(request.path())
          && (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)) {
        request.response().putHeader("Content-Type", "text/plain; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .putHeader("Content-Length", "3");
        if (request.method() == HttpMethod.HEAD) {
          request.response().end();
        } else {
          request.response().end("ok\n");
        }
        return;
      }
      next.handle(request);
    };
  }
}
