package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against a registry, a token server and archives that misbehave on purpose: every
 * failure is one line ({@code Error: …}) and exit 1, never a stack trace, never unbounded.
 */
@Timeout(120)
class HostileRegistryCommandTest {
  static final String CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
  static final byte[] LAYER = new byte[100];

  @TempDir Path home;
  Vertx vertx;
  HttpServer server;
  String host;
  /** What the layer's blob endpoint does: "endless" or "trickle". */
  volatile String layerMode = "endless";
  /** Whether GET /v2/ answers 200 with a registry's headers and a body that never ends. */
  volatile boolean endlessPing;

  static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String CONFIG_DIGEST = sha256(CONFIG.getBytes(StandardCharsets.UTF_8));
  static final String LAYER_DIGEST = sha256(LAYER);
  static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG_DIGEST
      + "\",\"size\":" + CONFIG.length() + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
      + "\"digest\":\"" + LAYER_DIGEST + "\",\"size\":100}]}";

  /**
   * An open registry for hostile/app:1 whose layer (declared: 100 bytes) never ends or trickles, and
   * a Bearer realm at /token whose answer never ends.
   */
  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      HttpServerResponse res = req.response();
      switch (req.path()) {
        case "/v2/hostile/app/manifests/1" -> res.putHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            .end(MANIFEST);
        case "/v2/hostile/app/blobs/" + "sha256:" -> res.setStatusCode(404).end();
        case "/token" -> endless(res);
        case "/v2/" -> {
          if (endlessPing) {
            res.putHeader("Docker-Distribution-API-Version", "registry/2.0");
            endless(res);
          } else {
            res.setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\",service=\"hostile\"").end();
          }
        }
        default -> {
          if (req.path().equals("/v2/hostile/app/blobs/" + CONFIG_DIGEST)) {
            res.end(CONFIG);
          } else if (req.path().equals("/v2/hostile/app/blobs/" + LAYER_DIGEST) && layerMode.equals("endless")) {
            endless(res);
          } else if (req.path().equals("/v2/hostile/app/blobs/" + LAYER_DIGEST)) {
            res.setChunked(true).writeHead();
            vertx.setPeriodic(20, id -> {
              if (res.closed()) {
                vertx.cancelTimer(id);
              } else {
                res.write("x");
              }
            });
          } else {
            res.setStatusCode(404).end();
          }
        }
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    host = "127.0.0.1:" + server.actualPort();
  }

  /** Zeros until the client hangs up, a few chunks per turn of the event loop. */
  private void endless(HttpServerResponse res) {
    res.setChunked(true);
    pump(res, Buffer.buffer(new byte[16 * 1024]));
  }

  private void pump(HttpServerResponse res, Buffer chunk) {
    if (res.closed()) {
      return;
    }
    for (int i = 0; i < 16 && !res.writeQueueFull(); i++) {
      res.write(chunk);
    }
    if (res.writeQueueFull()) {
      res.drainHandler(v -> pump(res, chunk));
    } else {
      vertx.runOnContext(v -> pump(res, chunk));
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static void assertOneLineError(CliRun.Result r, String message) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error: " + message + "\n");
  }

  private void assertStoreHoldsNoLayer() throws Exception {
    Path images = home.resolve("data/berth/images");
    assertThat(images.resolve("blobs/sha256/" + LAYER_DIGEST.substring(7))).doesNotExist();
    if (Files.exists(images.resolve(".tmp"))) {
      try (Stream<Path> left = Files.list(images.resolve(".tmp"))) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void pullStopsAnEndlessLayerAtItsDeclaredSize() throws Exception {
    CliRun berth = new CliRun(home);
    CliRun.Result pull = berth.run("pull", host + "/hostile/app:1");
    assertOneLineError(pull, "Tried to pull blob " + LAYER_DIGEST + " from " + host + "/hostile/app but failed because: "
        + host + " sent more than 100 bytes, the size its descriptor declares");
    assertStoreHoldsNoLayer();
    assertThat(berth.run("images", "-q").out()).isEmpty();
  }

  @Test
  void pullGivesUpOnATrickleAtTheStallTimeoutFromTheEnvironment() throws Exception {
    layerMode = "trickle";
    CliRun berth = new CliRun(home);
    berth.env.put("BERTH_STALL_TIMEOUT", "400ms");
    berth.env.put("BERTH_RETRIES", "1"); // a stall is worth one more try (said aloud), then it is final
    CliRun.Result pull = berth.run("pull", host + "/hostile/app:1");
    assertThat(pull.exitCode()).as(pull.err()).isEqualTo(1);
    assertThat(pull.out()).contains(LAYER_DIGEST.substring(7, 19) + ": Retrying in 1 second\n");
    assertThat(pull.err()).matches("Error: Tried to pull blob " + LAYER_DIGEST + " from " + host.replace(".", "\\.")
        + "/hostile/app but failed because: only \\d+ bytes from " + host.replace(".", "\\.") + " in 400 ms \\(stall timeout\\)\n");
    assertStoreHoldsNoLayer();

    berth.env.put("BERTH_STALL_TIMEOUT", "soon");
    assertOneLineError(berth.run("pull", host + "/hostile/app:1"),
        "invalid BERTH_STALL_TIMEOUT: soon (expected a positive duration such as 30, 30s, 500ms or 2m)");
  }

  @Test
  @Timeout(60)
  void versionReadsOnlyTheHeadersOfAnEndlessPing() {
    endlessPing = true;
    CliRun.Result version = new CliRun(home).run("version", host);
    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out()).contains("Server: " + host).contains("registry/2.0");
  }

  @Test
  void loginAgainstAnEndlessTokenResponseFailsInOneLine() {
    CliRun berth = new CliRun(home);
    CliRun.Result login = berth.run("s3cret\n".getBytes(StandardCharsets.UTF_8), "login", "-u", "alice", "--password-stdin", host);
    assertOneLineError(login, "cannot log in to " + host + ": cannot get a token for " + host + " from " + host + ": "
        + host + " sent more than 1 MiB");
  }

  @Test
  void anInvalidCredentialHelperNameIsOneLineForLoginAndLogout() throws Exception {
    try (BasicAuthRegistry registry = new BasicAuthRegistry()) {
      CliRun berth = new CliRun(home);
      Path config = Files.createDirectories(home.resolve("docker")).resolve("config.json");
      Files.writeString(config, "{\"credHelpers\":{\"" + registry.host() + "\":\"../x\"}}");
      String bad = "invalid credential helper name: ../x (in " + config + ")";

      CliRun.Result logout = berth.run("logout", registry.host());
      assertOneLineError(logout, bad);

      CliRun.Result login = berth.run((BasicAuthRegistry.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8),
          "login", "-u", BasicAuthRegistry.USER, "--password-stdin", registry.host());
      // a login given in full reads no stored login (as docker): storing is where it stops
      assertOneLineError(login, "error saving credentials: " + bad);
      assertThat(Files.readString(config)).isEqualTo("{\"credHelpers\":{\"" + registry.host() + "\":\"../x\"}}");
    }
  }

  @Test
  void loadRefusesALayerThatLinksOutOfTheArchive() throws Exception {
    Path archive = home.resolve("evil.tar");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
      put(tar, "manifest.json", ("[{\"Config\":\"config.json\",\"RepoTags\":[\"evil:1\"],\"Layers\":[\"layer.tar\"]}]")
          .getBytes(StandardCharsets.UTF_8));
      put(tar, "config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
      TarArchiveEntry link = new TarArchiveEntry("layer.tar", TarConstants.LF_SYMLINK);
      link.setLinkName("../../../etc/passwd");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    CliRun berth = new CliRun(home);
    assertOneLineError(berth.run("load", "-i", archive.toString()),
        "cannot load " + archive + ": layer.tar is a symbolic link to ../../../etc/passwd, outside the archive");
    assertThat(berth.run("images", "-q").out()).isEmpty();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
