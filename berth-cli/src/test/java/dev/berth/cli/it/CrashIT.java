package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code berth serve} while uploads and manifest writes are in flight,
 * then a restart on the same storage: every push that was acknowledged is readable and verified,
 * and nothing partial is visible, neither through the API nor on disk.
 */
class CrashIT {
  private static final String USER = "crash";
  private static final String PASSWORD = "crash-test-pw";

  @Test
  void killDuringUploadsAndManifestWritesLeavesOldOrNewStateOnly(@TempDir Path dir) throws Exception {
    BerthCli cli = new BerthCli(dir.resolve("home"));
    Path users = TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    Path storage = dir.resolve("storage");
    Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
    String cutUpload = null;

    for (int round = 0; round < 3; round++) {
      BerthServe server = BerthServe.start(cli, storage, users);
      RegistryHttp registry = new RegistryHttp(server.host(), USER, PASSWORD);
      verifyAll(registry, acknowledged);
      if (cutUpload != null) {
        resumeCutUpload(registry, cutUpload);
      }
      AtomicBoolean stop = new AtomicBoolean();
      int r = round;
      Thread writer = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          String tag = "r" + r + "-" + i;
          // Up to 12 MiB: small layers and ones that span several socket reads and writes.
          byte[] layer = new byte[ThreadLocalRandom.current().nextInt(1, 12 * 1024 * 1024)];
          ThreadLocalRandom.current().nextBytes(layer);
          try {
            byte[] manifest = registry.pushImage("crash/app", tag, layer);
            acknowledged.put(tag, manifest);
          } catch (Exception e) {
            return; // the server died under us: whatever was not acknowledged may be gone
          }
        }
      });
      int before = acknowledged.size();
      writer.start();
      cutUpload = registry.startSlowUpload("crash/big", 1L << 30);
      // kill at a random moment, but only once this round has had a push acknowledged
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (acknowledged.size() == before && writer.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(acknowledged.size()).as("pushes acknowledged in round %d", round).isGreaterThan(before);
      Thread.sleep(ThreadLocalRandom.current().nextInt(500));
      server.kill();
      stop.set(true);
      writer.join(30_000);
      assertNoPartialFiles(storage);
    }
    assertThat(acknowledged).isNotEmpty();
    try (BerthServe server = BerthServe.start(cli, storage, users)) {
      RegistryHttp registry = new RegistryHttp(server.host(), USER, PASSWORD);
      verifyAll(registry, acknowledged);
      resumeCutUpload(registry, cutUpload);
      // every tag the registry lists resolves to a complete, verified manifest
      String tags = new String(registry.get("/v2/crash/app/tags/list").body(), StandardCharsets.UTF_8);
      for (String tag : tags.replaceAll(".*\\[|\\].*|\"", "").split(",")) {
        if (!tag.isBlank()) {
          HttpResponse<byte[]> m = registry.get("/v2/crash/app/manifests/" + tag.strip());
          assertThat(m.statusCode()).as("tag %s", tag).isEqualTo(200);
          assertThat(m.headers().firstValue("Docker-Content-Digest")).hasValue(Digest.sha256(m.body()).toString());
        }
      }
    }
  }

  /**
   * The upload cut off by the kill holds exactly what its status says, all of it the bytes sent
   * (sevens): completing it with the digest of that many sevens must succeed.
   */
  private static void resumeCutUpload(RegistryHttp registry, String location) throws Exception {
    long size = registry.uploadedBytes(location);
    java.security.MessageDigest sha = Digest.newSha256();
    byte[] sevens = new byte[1 << 20];
    java.util.Arrays.fill(sevens, (byte) 7);
    for (long left = size; left > 0; left -= sevens.length) {
      sha.update(sevens, 0, (int) Math.min(left, sevens.length));
    }
    Digest expected = Digest.fromHash("sha256", sha.digest());
    assertThat(registry.completeUpload(location, expected)).as("completing %d bytes cut off by the kill", size)
        .isEqualTo(201);
  }

  private static void verifyAll(RegistryHttp registry, Map<String, byte[]> acknowledged) throws Exception {
    for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
      HttpResponse<byte[]> m = registry.get("/v2/crash/app/manifests/" + e.getKey());
      assertThat(m.statusCode()).as("acknowledged tag %s", e.getKey()).isEqualTo(200);
      assertThat(m.body()).isEqualTo(e.getValue());
      String json = new String(m.body(), StandardCharsets.UTF_8);
      java.util.regex.Matcher digests = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}").matcher(json);
      while (digests.find()) {
        HttpResponse<byte[]> blob = registry.get("/v2/crash/app/blobs/" + digests.group());
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(blob.body()).toString()).isEqualTo(digests.group());
      }
    }
  }

  /** On disk: every blob's bytes hash to its name, every link names a digest whose blob exists. */
  private static void assertNoPartialFiles(Path storage) throws Exception {
    Path blobs = storage.resolve("blobs/sha256");
    if (Files.isDirectory(blobs)) {
      try (Stream<Path> files = Files.walk(blobs)) {
        for (Path data : files.filter(p -> p.getFileName().toString().equals("data")).toList()) {
          String hex = data.getParent().getFileName().toString();
          assertThat(Digest.sha256(Files.readAllBytes(data)).encoded()).as("blob %s", data).isEqualTo(hex);
        }
      }
    }
    try (Stream<Path> files = Files.walk(storage.resolve("repositories"))) {
      List<Path> links = files.filter(p -> p.getFileName().toString().equals("link")).toList();
      for (Path link : links) {
        String text = Files.readString(link).strip();
        assertThat(Digest.isValid(text)).as("link %s holds %s", link, text).isTrue();
        Digest d = Digest.parse(text);
        assertThat(blobs.resolve(d.encoded().substring(0, 2)).resolve(d.encoded()).resolve("data"))
            .as("blob named by %s", link).exists();
      }
    }
  }
}
