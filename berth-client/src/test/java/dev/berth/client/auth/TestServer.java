package dev.berth.client.auth;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A real HTTP server on a loopback address (127.0.0.1 unless told) and a free port, answering with
 * a test's handler; it records each request as {@code METHOD URI [Authorization]} with the body
 * and every header, for assertions.
 */
public final class TestServer implements AutoCloseable {
  public record Seen(String method, String uri, String authorization, String body, Map<String, String> headers) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String address;
  public final List<Seen> seen = new CopyOnWriteArrayList<>();

  public TestServer(BiConsumer<HttpServerRequest, String> handler) throws Exception {
    this("127.0.0.1", handler);
  }

  /** On another loopback address (127.0.0.2 works on Linux): another host, as far as origins go. */
  public TestServer(String address, BiConsumer<HttpServerRequest, String> handler) throws Exception {
    this.address = address;
    server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          String text = body.toString();
          Map<String, String> headers = new LinkedHashMap<>();
          req.headers().forEach((k, v) -> headers.merge(k.toLowerCase(java.util.Locale.ROOT), v, (a, b) -> a + ", " + b));
          seen.add(new Seen(req.method().name(), req.uri(), req.getHeader("Authorization"), text, headers));
          handler.accept(req, text);
        }))
        .listen(0, address).toCompletionStage().toCompletableFuture().get();
  }

  public int port() {
    return server.actualPort();
  }

  public String host() {
    return address + ":" + port();
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }
}
