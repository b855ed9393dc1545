package dev.berth.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Just enough of a registry for login tests: {@code GET /v2/} on 127.0.0.1 and a free port answers
 * 200 to the one right Basic {@code Authorization} and 401 with a Basic challenge and the
 * distribution error body to anything else.
 */
final class BasicAuthRegistry implements AutoCloseable {
  static final String USER = "alice";
  static final String PASSWORD = "s3cret pässword";

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final AtomicInteger requests = new AtomicInteger();

  BasicAuthRegistry() throws Exception {
    String expected = "Basic " + Base64.getEncoder()
        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    server = vertx.createHttpServer()
        .requestHandler(req -> {
          requests.incrementAndGet();
          req.response().putHeader("Docker-Distribution-API-Version", "registry/2.0");
          if (!req.path().equals("/v2/")) {
            req.response().setStatusCode(404).end();
          } else if (expected.equals(req.getHeader("Authorization"))) {
            req.response().putHeader("Content-Type", "application/json").end("{}");
          } else {
            req.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"Registry Realm\"")
                .putHeader("Content-Type", "application/json")
                .end("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}\n");
          }
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
  }

  String host() {
    return "127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }
}
