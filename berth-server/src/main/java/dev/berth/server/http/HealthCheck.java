package dev.berth.server.http;

import dev.berth.server.observe.RequestRecord;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The probes, without credentials and answered even on connections past the connection limit
 * ({@link ConnectionGuard} keeps room for them):
 *
 * <ul>
 *   <li>{@code GET|HEAD /healthz}: 200 while the server accepts and answers requests (liveness);
 *       no storage access.
 *   <li>{@code GET|HEAD /readyz}: 200 while it can serve: storage lock held, storage writable, not
 *       stopping; else 503 with the reason (readiness).
 * </ul>
 */
public final class HealthCheck {
  public static final String PATH = "/healthz";
  public static final String READY_PATH = "/readyz";

  private final Readiness readiness;
  private final Vertx vertx;

  public HealthCheck(Readiness readiness, Vertx vertx) {
    this.readiness = readiness;
    this.vertx = vertx;
  }

  public static boolean handles(String path) {
    return PATH.equals(path) || READY_PATH.equals(path);
  }

  /** @return whether the request was one of the probes (and is answered) */
  public boolean handle(HttpServerRequest request, RequestRecord rec) {
    String path = request.path();
    if (!handles(path) || request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      return false;
    }
    if (PATH.equals(path)) {
      rec.route("Healthz");
      answer(request, 200, "ok\n");
      return true;
    }
    rec.route("Readyz");
    vertx.executeBlocking(readiness::problem, false).onComplete(ar -> {
      String problem = ar.succeeded() ? ar.result() : String.valueOf(ar.cause().getMessage());
      answer(request, problem == null ? 200 : 503, problem == null ? "ok\n" : "not ready: " + problem + "\n");
    });
    return true;
  }

  static void answer(HttpServerRequest request, int status, String text) {
    byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (!request.response().headers().contains("Content-Type")) {
      request.response().putHeader("Content-Type", "text/plain; charset=utf-8");
    }
    request.response().setStatusCode(status)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Length", Integer.toString(body.length));
    if (request.method() == HttpMethod.HEAD) {
      request.response().end();
    } else {
      request.response().end(io.vertx.core.buffer.Buffer.buffer(body));
    }
  }
}
