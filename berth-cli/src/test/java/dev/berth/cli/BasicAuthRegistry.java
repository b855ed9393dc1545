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
  private final java.util.List<HttpServer> servers = new java.util.ArrayList<>();
  /** One image manifest, served to the right credentials only, so a peer's use of them shows. */
  static final String MANIFEST_PATH = "/v2/interop/hello/manifests/v1";
  static final String MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";
  static final String MANIFEST = """
      {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
      "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,\
      "digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""";
  static final String CONFIG_PATH =
      "/v2/interop/hello/blobs/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  static final String MANIFEST_DIGEST = "sha256:" + sha256(MANIFEST);

  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger authorized = new AtomicInteger();

  BasicAuthRegistry() throws Exception {
    this(1);
  }

  /** The same registry on {@code count} ports: that many registries as a client names them. */
  BasicAuthRegistry(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      servers.add(start());
    }
  }

  private HttpServer start() throws Exception {
    String expected = "Basic " + Base64.getEncoder()
        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    return vertx.createHttpServer()
        .requestHandler(req -> {
          requests.incrementAndGet();
          req.response().putHeader("Docker-Distribution-API-Version", "registry/2.0");
          if (!req.path().startsWith("/v2/")) {
            req.response().setStatusCode(404).end();
          } else if (expected.equals(req.getHeader("Authorization"))) {
            authorized.incrementAndGet();
            if (req.path().equals("/v2/")) {
              req.response().putHeader("Content-Type", "application/json").end("{}");
            } else if (req.path().equals(MANIFEST_PATH)) {
              req.response().putHeader("Content-Type", MANIFEST_TYPE)
                  .putHeader("Docker-Content-Digest", MANIFEST_DIGEST).end(MANIFEST);
            } else if (req.path().equals(CONFIG_PATH)) {
              req.response().putHeader("Content-Type", "application/octet-stream").end("{}");
            } else {
              req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                  .end("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
            }
          } else {
            req.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"Registry Realm\"")
                .putHeader("Content-Type", "application/json")
                .end("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}\n");
          }
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
  }

  private static String sha256(String s) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  String host() {
    return "127.0.0.1:" + servers.getFirst().actualPort();
  }

  java.util.List<String> hosts() {
    return servers.stream().map(s -> "127.0.0.1:" + s.actualPort()).toList();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }
}
