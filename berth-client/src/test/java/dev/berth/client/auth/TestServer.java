package dev.berth.client.auth;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A real HTTP server on 127.0.0.1 and a free port, answering with a test's handler; it records
 * each request as {@code METHOD URI [Authorization]} with the body, for assertions.
 */
public final class TestServer implements AutoCloseable {
  public record Seen(String method, String uri, String authorization, String body) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  public final List<Seen> seen = new CopyOnWriteArrayList<>();

  public TestServer(BiConsumer<HttpServerRequest, String> handler) throws Exception {
    server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          String text = body.toString();
          seen.add(new Seen(req.method().name(), req.uri(), req.getHeader("Authorization"), text));
          handler.accept(req, text);
        }))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
  }

  public int port() {
    return server.actualPort();
  }

  public String host() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }
}
