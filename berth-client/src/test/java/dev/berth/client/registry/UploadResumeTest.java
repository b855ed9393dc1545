package dev.berth.client.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.TestServer;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload's resume protocol, step by step, against a registry that fails a PATCH after
 * keeping part of it: GET &lt;Location&gt; for where it stands, then PATCH exactly the rest with a
 * Content-Range; a session the registry forgot starts over; a commit whose answer was lost is
 * found by HEAD.
 */
class UploadResumeTest {
  static final byte[] BLOB = new byte[10_000];
  static final Digest DIGEST;

  static {
    for (int i = 0; i < BLOB.length; i++) {
      BLOB[i] = (byte) ('a' + (i * 31) % 26); // text: the test server hands bodies over as strings
    }
    DIGEST = Digest.sha256(BLOB);
  }

  @TempDir Path dir;
  final List<TestServer> servers = new CopyOnWriteArrayList<>();
  final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (TestServer s : servers) {
      s.close();
    }
  }

  private RegistryClient client(TestServer server) {
    TransportOptions options = TransportOptions.defaults()
        .withRetry(new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(5)));
    return new RegistryClient(options.newHttpClient(), RegistryEndpoint.forHost(server.host()), "a/b",
        new BasicOnlyAuthenticator(Optional.of(new Credentials("u", "p"))), true, options);
  }

  private Path file() throws Exception {
    return Files.write(dir.resolve("blob"), BLOB);
  }

  @Test
  void aFailedPatchIsResumedFromTheOffsetTheRegistryReports() throws Exception {
    AtomicInteger patches = new AtomicInteger();
    TestServer server = new TestServer((req, body) -> {
      String m = req.method().name();
      log.add(m + " " + req.uri() + (req.getHeader("Content-Range") != null ? " " + req.getHeader("Content-Range") : "")
          + " " + body.length());
      switch (m) {
        case "POST" -> req.response().setStatusCode(202).putHeader("Location", "/upload/1").end();
        case "PATCH" -> {
          if (patches.incrementAndGet() == 1) {
            req.response().setStatusCode(503).end(); // "kept 4000 bytes, then fell over"
          } else {
            boolean rest = body.equals(new String(BLOB, 4000, BLOB.length - 4000, StandardCharsets.US_ASCII));
            req.response().setStatusCode(rest ? 202 : 400).putHeader("Location", "/upload/1?state=2").end();
          }
        }
        case "GET" -> req.response().setStatusCode(204).putHeader("Location", "/upload/1?state=1")
            .putHeader("Range", "0-3999").end();
        default -> req.response().setStatusCode(201).end();
      }
    });
    servers.add(server);
    List<Long> progress = new CopyOnWriteArrayList<>();
    RegistryClient.Pushed how = client(server).pushBlob(DIGEST, file(), BLOB.length, null, new BlobProgress() {
      @Override
      public void transferred(long bytes) {
        progress.add(bytes);
      }
    });
    assertThat(how).isEqualTo(RegistryClient.Pushed.UPLOADED);
    assertThat(log).containsExactly(
        "POST /v2/a/b/blobs/uploads/ 0",
        "PATCH /upload/1 10000",
        "GET /upload/1 0",
        "PATCH /upload/1?state=1 4000-9999 6000",
        "PUT /upload/1?state=2&digest=sha256%3A" + DIGEST.encoded() + " 0");
    assertThat(progress).contains(4000L, 10_000L);
  }

  @Test
  void aSessionTheRegistryForgotStartsOverAndALostCommitAnswerIsFoundByHead() throws Exception {
    AtomicInteger puts = new AtomicInteger();
    TestServer server = new TestServer((req, body) -> {
      String m = req.method().name();
      log.add(m + " " + req.path());
      switch (m) {
        case "POST" -> req.response().setStatusCode(202).putHeader("Location", "/upload/" + log.size()).end();
        case "PATCH" -> {
          if (req.path().equals("/upload/1")) {
            req.response().setStatusCode(500).end();
          } else {
            req.response().setStatusCode(202).putHeader("Location", req.path()).end();
          }
        }
        case "GET" -> req.response().setStatusCode(404)
            .end("{\"errors\":[{\"code\":\"BLOB_UPLOAD_UNKNOWN\",\"message\":\"blob upload unknown\"}]}");
        case "PUT" -> {
          if (puts.incrementAndGet() == 1) {
            req.connection().close(); // committed, but the answer never arrives
          } else {
            req.response().setStatusCode(404).end();
          }
        }
        case "HEAD" -> req.response().setStatusCode(200).putHeader("Content-Length", String.valueOf(BLOB.length)).end();
        default -> req.response().setStatusCode(400).end();
      }
    });
    servers.add(server);
    client(server).pushBlob(DIGEST, file(), BLOB.length);
    assertThat(log).containsExactly("POST /v2/a/b/blobs/uploads/", "PATCH /upload/1", "GET /upload/1",
        "POST /v2/a/b/blobs/uploads/", "PATCH /upload/4", "PUT /upload/4", "HEAD /v2/a/b/blobs/" + DIGEST);
  }
}
