package dev.berth.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.model.Digest;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.auth.AuthSettings;
import dev.berth.testkit.AccessRulesFile;
import dev.berth.testkit.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's access log, audit log, metrics and readiness, over real requests: what a push, a
 * pull, a delete, a good and a bad login leave in each.
 */
class ObservabilityTest {
  static final String USER = "observer";
  static final String PASSWORD = "observed-password-91";

  @TempDir Path dir;
  final ByteArrayOutputStream output = new ByteArrayOutputStream();
  final HttpClient http = HttpClient.newHttpClient();
  String base;

  private RegistryServer start(ObserveSettings observe, AuthSettings.Mode mode, Duration gcEvery) {
    Path users = Htpasswd.create(dir.resolve("users"), USER, PASSWORD);
    AuthSettings auth = AuthSettings.of(mode).withUsersFileGiven(true)
        .withRulesFile(AccessRulesFile.permissive(dir.resolve("rules.yml")));
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true,
        ServerConfig.DEFAULT_UPLOAD_MAX_AGE, gcEvery).withAuth(auth).withObserve(observe);
    RegistryServer server = RegistryServer.start(config, new PrintStream(output, true, StandardCharsets.UTF_8));
    base = "http://127.0.0.1:" + server.port();
    return server;
  }

  private HttpResponse<String> send(String method, String path, byte[] body, String password, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (password != null) {
      r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    headers.forEach(r::header);
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Pushes a blob and a manifest tagged {@code tag}; returns the manifest's digest. */
  private String push(String repo, String tag, byte[] layer) throws Exception {
    String layerDigest = Digest.sha256(layer).toString();
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String configDigest = Digest.sha256(config).toString();
    for (byte[] blob : List.of(layer, config)) {
      HttpResponse<String> r = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(blob), blob, PASSWORD,
          Map.of("Content-Type", "application/octet-stream"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}";
    HttpResponse<String> put = send("PUT", "/v2/" + repo + "/manifests/" + tag, manifest.getBytes(StandardCharsets.UTF_8),
        PASSWORD, Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    return put.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> jsonLines(Path file) throws Exception {
    return Files.readAllLines(file).stream().map(line -> {
      try {
        return (Map<String, Object>) (Map<?, ?>) JSON.std.mapFrom(line);
      } catch (Exception e) {
        throw new AssertionError("not one JSON object: " + line, e);
      }
    }).toList();
  }

  @Test
  void accessLogHasOneJsonLinePerRequestAndTheAuditLogThePushesDeletesAndLogins() throws Exception {
    Path access = dir.resolve("logs/access.log");
    Path audit = dir.resolve("logs/audit.log");
    byte[] layer = new byte[300_000];
    new Random(7).nextBytes(layer);
    String digest;
    String requestId;
    try (RegistryServer server = start(ObserveSettings.none().withAccessLog(access.toString(),
        ObserveSettings.AccessLogFormat.JSON).withAuditLog(audit), AuthSettings.Mode.BASIC, null)) {
      digest = push("team/app", "1.0", layer);
      HttpResponse<String> pull = send("GET", "/v2/team/app/blobs/" + Digest.sha256(layer), null, PASSWORD, Map.of());
      assertThat(pull.statusCode()).isEqualTo(200);
      requestId = pull.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(send("GET", "/v2/", null, "wrong-password", Map.of()).statusCode()).isEqualTo(401);
      assertThat(send("DELETE", "/v2/team/app/manifests/1.0", null, PASSWORD, Map.of()).statusCode()).isEqualTo(202);
    }
    List<Map<String, Object>> lines = jsonLines(access);
    Map<String, Object> get = lines.stream().filter(l -> requestId.equals(l.get("id"))).findFirst().orElseThrow();
    assertThat(get).containsEntry("user", USER).containsEntry("repository", "team/app").containsEntry("method", "GET")
        .containsEntry("route", "GetBlob").containsEntry("status", 200).containsEntry("bytes_out", layer.length)
        .containsKeys("time", "remote", "duration_ms", "bytes_in");
    Map<String, Object> upload = lines.stream().filter(l -> "StartBlobUpload".equals(l.get("route"))
        && Integer.valueOf(201).equals(l.get("status"))).findFirst().orElseThrow();
    assertThat(upload).containsEntry("bytes_in", layer.length);
    assertThat(lines).anySatisfy(l -> assertThat(l).containsEntry("route", "PutManifest").containsEntry("status", 201));
    assertThat(lines).anySatisfy(l -> assertThat(l).containsEntry("route", "Ping").containsEntry("status", 401)
        .containsEntry("user", null));

    List<Map<String, Object>> events = jsonLines(audit);
    assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("event", "tag.pushed").containsEntry("user", USER)
        .containsEntry("repository", "team/app").containsEntry("tag", "1.0").containsEntry("digest", digest));
    assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("event", "tag.deleted").containsEntry("tag", "1.0")
        .containsEntry("digest", digest));
    assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("event", "login").containsEntry("outcome", "failure")
        .containsEntry("user", USER).containsEntry("reason", "wrong password").containsEntry("source", "server"));
    assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("event", "login").containsEntry("outcome", "success"));
    assertThat(Files.readString(audit)).doesNotContain(PASSWORD).doesNotContain("wrong-password");
    assertThat(Files.getPosixFilePermissions(audit)).hasToString("[OWNER_READ, OWNER_WRITE]");
  }

  @Test
  void theCommonLogFormatIsAnOption() throws Exception {
    Path access = dir.resolve("access.clf");
    try (RegistryServer server = start(ObserveSettings.none().withAccessLog(access.toString(),
        ObserveSettings.AccessLogFormat.CLF), AuthSettings.Mode.BASIC, null)) {
      send("GET", "/v2/", null, PASSWORD, Map.of());
    }
    assertThat(Files.readAllLines(access)).anySatisfy(line -> assertThat(line).matches(
        "127\\.0\\.0\\.1 - observer \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] \"GET /v2/ HTTP/1\\.1\" 200 \\S+"));
  }

  @Test
  void metricsCountRequestsBytesAuthFailuresUploadsGarbageCollectionAndStorage() throws Exception {
    try (RegistryServer server = start(ObserveSettings.none().withMetrics(true, null, 0, null), AuthSettings.Mode.BASIC,
        Duration.ofSeconds(1))) {
      byte[] layer = new byte[50_000];
      new Random(3).nextBytes(layer);
      push("metrics/app", "1", layer);
      send("GET", "/v2/metrics/app/blobs/" + Digest.sha256(layer), null, PASSWORD, Map.of());
      send("GET", "/v2/", null, "not-it", Map.of());
      // a blob deleted from its repository is reclaimed by the next collection
      byte[] orphan = new byte[10_000];
      new Random(4).nextBytes(orphan);
      send("POST", "/v2/metrics/orphan/blobs/uploads/?digest=" + Digest.sha256(orphan), orphan, PASSWORD,
          Map.of("Content-Type", "application/octet-stream"));
      send("DELETE", "/v2/metrics/orphan/blobs/" + Digest.sha256(orphan), null, PASSWORD, Map.of());
      String text = "";
      for (int i = 0; i < 100; i++) {
        text = send("GET", "/metrics", null, null, Map.of()).body();
        if (text.contains("berth_gc_reclaimed_bytes_total 10000.0") && !text.contains("berth_storage_bytes -1.0")) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(text)
          .contains("berth_http_requests_seconds_bucket{method=\"GET\",route=\"GetBlob\",status=\"200\",le=\"0.005\"}")
          .contains("berth_http_requests_seconds_count{method=\"PUT\",route=\"PutManifest\",status=\"201\"} 1")
          .contains("berth_http_response_bytes_total{route=\"GetBlob\"} 50000.0")
          .contains("berth_http_request_bytes_total{route=\"StartBlobUpload\"} ")
          .contains("berth_auth_failures_total{reason=\"bad_credentials\"} 1.0")
          .contains("berth_uploads_in_flight 0.0")
          .contains("berth_upload_sessions ")
          .contains("berth_connections ")
          .contains("berth_gc_reclaimed_bytes_total 10000.0")
          .contains("berth_gc_deleted_blobs_total 1.0")
          .containsPattern("berth_gc_runs_total [1-9]")
          .containsPattern("berth_storage_bytes [1-9]")
          .doesNotContain("metrics/app"); // repositories are not labels
    }
  }

  @Test
  void metricsCanHaveTheirOwnListenerAndAToken() throws Exception {
    String token = "scrape-token-0123456789";
    try (RegistryServer server = start(ObserveSettings.none().withMetrics(true, "127.0.0.1", 0, token),
        AuthSettings.Mode.BASIC, null)) {
      assertThat(server.metricsPort()).isPositive();
      assertThat(send("GET", "/metrics", null, PASSWORD, Map.of()).statusCode()).isNotEqualTo(200);
      String metrics = "http://127.0.0.1:" + server.metricsPort() + "/metrics";
      assertThat(send("GET", metrics, null, null, Map.of()).statusCode()).isEqualTo(401);
      HttpResponse<String> scraped = send("GET", metrics, null, null, Map.of("Authorization", "Bearer " + token));
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(scraped.body()).contains("berth_http_requests_seconds");
    }
    assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain(token);
  }

  @Test
  void readyzSaysWhetherTheStorageCanBeUsed() throws Exception {
    try (RegistryServer server = start(ObserveSettings.none(), AuthSettings.Mode.BASIC, null)) {
      HttpResponse<String> ready = send("GET", "/readyz", null, null, Map.of());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ok\n");
      Files.delete(dir.resolve("data/lock")); // someone removed the lock file: another server could start
      HttpResponse<String> notReady = null;
      for (int i = 0; i < 40; i++) {
        notReady = send("GET", "/readyz", null, null, Map.of());
        if (notReady.statusCode() == 503) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).startsWith("not ready: the lock on storage ").contains("no longer held");
      assertThat(send("GET", "/healthz", null, null, Map.of()).statusCode()).isEqualTo(200);
    }
  }
}
