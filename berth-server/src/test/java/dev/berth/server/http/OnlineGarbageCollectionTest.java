package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code gcInterval} set, the server collects unreferenced blobs past the safety window. */
class OnlineGarbageCollectionTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void unreferencedBlobsGoReferencedOnesStay() throws Exception {
    Path users = dir.resolve("users");
    Htpasswd.create(users, "gc", "gc-pw");
    String auth = "Basic " + Base64.getEncoder().encodeToString("gc:gc-pw".getBytes(StandardCharsets.UTF_8));
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true,
        Duration.ofMinutes(1), Duration.ofMillis(200));
    try (RegistryServer server = RegistryServer.start(config, new PrintStream(new ByteArrayOutputStream()))) {
      String base = "http://127.0.0.1:" + server.port();
      Digest kept = push(base, auth, "{}".getBytes(StandardCharsets.UTF_8));
      Digest orphan = push(base, auth, "orphan".getBytes(StandardCharsets.UTF_8));
      byte[] manifest = RegistryApiTest.ociManifest(kept, null, null);
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/gc/app/manifests/v1"))
          .header("Authorization", auth).header("Content-Type", MediaTypes.OCI_MANIFEST)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);

      Path orphanFile = server.storage().layout().blobData(orphan);
      // Age the orphan past the one-minute safety window; everything else stays recent.
      Files.setLastModifiedTime(orphanFile, java.nio.file.attribute.FileTime.from(
          java.time.Instant.now().minus(Duration.ofMinutes(2))));
      for (int i = 0; i < 300 && Files.exists(orphanFile); i++) {
        Thread.sleep(100);
      }
      assertThat(orphanFile).doesNotExist();
      assertThat(server.storage().layout().blobData(kept)).exists();
      assertThat(server.storage().manifests().get("gc/app", "v1").content()).isEqualTo(manifest);
    }
  }

  // Issue 12: a blob DELETE freed no disk until an offline gc. Now the next online collection
  // reclaims what no repository links and no manifest references, without waiting for the window.
  @Test
  void deletedBlobsAndManifestsAreReclaimedWhileServingAndAPushInProgressIsKept() throws Exception {
    Path users = dir.resolve("users");
    Htpasswd.create(users, "gc", "gc-pw");
    String auth = "Basic " + Base64.getEncoder().encodeToString("gc:gc-pw".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true,
        Duration.ofHours(24), Duration.ofMillis(200))
        .withAuth(AuthSettings.of(AuthSettings.Mode.BASIC).withUsersFileGiven(true)
            .withRulesFile(AccessRulesFile.permissive(dir.resolve("rules.yml"))));
    try (RegistryServer server = RegistryServer.start(config, new PrintStream(log, true, StandardCharsets.UTF_8))) {
      String base = "http://127.0.0.1:" + server.port();
      Digest config1 = push(base, auth, "{}".getBytes(StandardCharsets.UTF_8));
      byte[] manifest = RegistryApiTest.ociManifest(config1, null, null);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v2/gc/app/manifests/v1"))
          .header("Authorization", auth).header("Content-Type", MediaTypes.OCI_MANIFEST)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(201);
      Digest deleted = push(base, auth, "deleted layer".getBytes(StandardCharsets.UTF_8));
      Digest inProgress = push(base, auth, "a push that has not put its manifest yet".getBytes(StandardCharsets.UTF_8));
      Path deletedFile = server.storage().layout().blobData(deleted);
      Path manifestFile = server.storage().layout().blobData(Digest.sha256(manifest));
      Path configFile = server.storage().layout().blobData(config1);

      assertThat(delete(base, auth, "/v2/gc/app/blobs/" + deleted)).isEqualTo(202);
      assertThat(delete(base, auth, "/v2/gc/app/manifests/" + Digest.sha256(manifest))).isEqualTo(202);
      assertThat(delete(base, auth, "/v2/gc/app/blobs/" + config1)).isEqualTo(202);
      for (int i = 0; i < 100 && (Files.exists(deletedFile) || Files.exists(manifestFile) || Files.exists(configFile)); i++) {
        Thread.sleep(100);
      }
      assertThat(deletedFile).doesNotExist();
      assertThat(manifestFile).doesNotExist();
      assertThat(configFile).doesNotExist();
      // Uploaded and linked, referenced by no manifest yet: kept for the safety window.
      assertThat(server.storage().layout().blobData(inProgress)).exists();
      assertThat(log.toString(StandardCharsets.UTF_8)).contains("garbage collection removed");
    }
  }

  private int delete(String base, String auth, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).DELETE().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private Digest push(String base, String auth, byte[] content) throws Exception {
    Digest d = Digest.sha256(content);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/gc/app/blobs/uploads/?digest=" + d))
        .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(201);
    return d;
  }
}
