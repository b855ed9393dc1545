package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.server.storage.RegistryStorage;
import dev.berth.server.storage.StoredManifest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process is killed with SIGKILL while clients push blobs and manifests; after a
 * restart every push that was acknowledged must be there and verify, and nothing half-written
 * may be visible.
 */
class CrashConsistencyTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final String auth = "Basic " + Base64.getEncoder().encodeToString("crash:crash-pw".getBytes(StandardCharsets.UTF_8));

  @Test
  void killDuringPushesLeavesOldOrNewStateNeverHalf() throws Exception {
    Path users = dir.resolve("users");
    Process htpasswd = new ProcessBuilder("htpasswd", "-B", "-b", "-c", users.toString(), "crash", "crash-pw").start();
    assertThat(htpasswd.waitFor()).isZero();
    Path storage = dir.resolve("data");
    ConcurrentHashMap<String, Digest> acknowledged = new ConcurrentHashMap<>();

    for (int round = 0; round < 2; round++) {
      ServerProcess server = ServerProcess.start(storage, users, "-Xmx128m");
      String base = server.base();
      ExecutorService pushers = Executors.newFixedThreadPool(3);
      List<java.util.concurrent.Future<Object>> results = new ArrayList<>();
      int r = round;
      for (int p = 0; p < 3; p++) {
        int pusher = p;
        results.add(pushers.submit(() -> {
          Random random = new Random(r * 10 + pusher);
          for (int i = 0; ; i++) {
            String tag = "r" + r + "-p" + pusher + "-" + i;
            Digest manifest = push(base, "crash/p" + pusher, tag, random);
            if (manifest == null) {
              return null; // the server is gone
            }
            acknowledged.put("crash/p" + pusher + ":" + tag, manifest);
          }
        }));
      }
      // Kill while pushes are under way: after a few have been acknowledged, at a random moment.
      int before = acknowledged.size();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (acknowledged.size() < before + 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(new Random(round).nextInt(150));
      server.kill();
      pushers.shutdown();
      assertThat(pushers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      for (var result : results) {
        result.get(); // a refused push (not a dead server) fails the test here
      }
    }
    assertThat(acknowledged).isNotEmpty();

    // Restarted: every acknowledged tag resolves, and its bytes hash to their digest.
    try (ServerProcess restarted = ServerProcess.start(storage, users)) {
      RegistryStorage s = RegistryStorage.open(storage);
      for (var e : acknowledged.entrySet()) {
        String[] repoTag = e.getKey().split(":");
        StoredManifest m = s.manifests().get(repoTag[0], repoTag[1]);
        assertThat(m.digest()).isEqualTo(e.getValue());
        assertThat(Digest.sha256(m.content())).isEqualTo(e.getValue());
      }
      // Nothing half-written is visible: every blob's bytes match its name, no link is empty.
      for (Digest d : s.blobStore().list()) {
        assertThat(Digest.sha256(Files.readAllBytes(s.layout().blobData(d)))).isEqualTo(d);
      }
      try (Stream<Path> files = Files.walk(s.layout().repositoriesRoot())) {
        for (Path link : files.filter(f -> f.getFileName().toString().equals("link")).toList()) {
          assertThat(Digest.isValid(Files.readString(link))).as(link.toString()).isTrue();
        }
      }
      for (String repo : s.repositories()) {
        for (String tag : s.manifests().tags(repo)) {
          assertThat(Digest.sha256(s.manifests().get(repo, tag).content()))
              .isEqualTo(s.manifests().get(repo, tag).digest());
        }
      }
    }
  }

  /** Pushes two random blobs and a manifest; null when the server went away midway. */
  private Digest push(String base, String repo, String tag, Random random) {
    try {
      List<String> layers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        byte[] blob = new byte[64 * 1024 + random.nextInt(256 * 1024)];
        random.nextBytes(blob);
        Digest d = Digest.sha256(blob);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/blobs/uploads/?digest=" + d))
            .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
          throw new AssertionError("blob push failed: " + r.statusCode() + " " + r.body());
        }
        layers.add("{\"mediaType\":\"" + MediaTypes.OCI_LAYER + "\",\"digest\":\"" + d + "\",\"size\":" + blob.length + "}");
      }
      String first = layers.getFirst();
      String config = first.replace(MediaTypes.OCI_LAYER, MediaTypes.OCI_CONFIG);
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":" + config
          + ",\"layers\":[" + String.join(",", layers) + "]}").getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/manifests/" + tag))
          .header("Authorization", auth).header("Content-Type", MediaTypes.OCI_MANIFEST)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new AssertionError("manifest push failed: " + r.statusCode() + " " + r.body());
      }
      return Digest.sha256(manifest);
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
