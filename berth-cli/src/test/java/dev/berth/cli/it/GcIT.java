package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.testkit.AccessRulesFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth gc} on a real storage written by a real {@code berth serve}: it refuses while the
 * server runs, keeps recent blobs by default, and otherwise deletes exactly what no manifest
 * references; the server then still serves everything else.
 */
class GcIT {
  private static final String USER = "gc";
  private static final String PASSWORD = "gc-test-password";

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  @Test
  void deletesOnlyUnreferencedBlobsAndNeverBesideARunningServer(@TempDir Path dir) throws Exception {
    BerthCli cli = new BerthCli(dir.resolve("home"));
    Path users = TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    Path storage = dir.resolve("storage");
    byte[] keptLayer = random(300_000);
    byte[] droppedLayer = random(6 * 1024 * 1024); // big enough for an early flush while it arrives
    byte[] keptManifest;
    // deleting needs a rule: by default only admins may
    Path deleteRules = AccessRulesFile.permissive(dir.resolve("rules.yml"));
    byte[] droppedManifest;
    try (BerthServe server = BerthServe.start(cli, storage, users, "--rules", deleteRules.toString())) {
      RegistryHttp registry = new RegistryHttp(server.host(), USER, PASSWORD);
      keptManifest = registry.pushImage("gc/app", "keep", keptLayer);
      droppedManifest = registry.pushImage("gc/app", "drop", droppedLayer);

      BerthCli.Result busy = cli.run("gc", "--storage", storage.toString());
      assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(1);
      assertThat(busy.err().strip()).as(busy.toString())
          .startsWith("Error: storage " + storage.toRealPath() + " is in use by another process (pid ")
          .contains("berth serve").doesNotContain("\n").doesNotContain("Exception");

      assertThat(registry.delete("/v2/gc/app/manifests/" + Digest.sha256(droppedManifest)).statusCode()).isEqualTo(202);
    }
    Path droppedBlob = storage.resolve("blobs/sha256").resolve(Digest.sha256(droppedLayer).encoded().substring(0, 2))
        .resolve(Digest.sha256(droppedLayer).encoded()).resolve("data");
    assertThat(droppedBlob).exists();

    // The deleted manifest is linked nowhere: it goes at once (once its last use is a couple of
    // seconds old, the collector's margin for coarse file times). Its layer and config are still
    // linked, so by default they are kept for a day: a cut-off push may still come back for them.
    Thread.sleep(2_100);
    BerthCli.Result recent = cli.run("gc", "--storage", storage.toString());
    assertThat(recent.exitCode()).as(recent.toString()).isZero();
    assertThat(recent.out()).contains("deleted " + Digest.sha256(droppedManifest))
        .contains("deleted 1 unreferenced blob(s)").contains("2 used within 24h");
    assertThat(droppedBlob).exists();

    BerthCli.Result dry = cli.run("gc", "--storage", storage.toString(), "--keep-recent", "1s", "--dry-run");
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out()).contains("would delete " + Digest.sha256(droppedLayer))
        .contains("would delete 2 unreferenced blob(s)");
    assertThat(droppedBlob).exists();

    BerthCli.Result gc = cli.run("gc", "--storage", storage.toString(), "--keep-recent", "1s");
    assertThat(gc.exitCode()).as(gc.toString()).isZero();
    assertThat(gc.out()).contains("deleted " + Digest.sha256(droppedLayer)).contains("deleted 2 unreferenced blob(s)");
    assertThat(droppedBlob).doesNotExist();

    try (BerthServe server = BerthServe.start(cli, storage, users, "--rules", deleteRules.toString())) {
      RegistryHttp registry = new RegistryHttp(server.host(), USER, PASSWORD);
      assertThat(registry.get("/v2/gc/app/manifests/keep").body()).isEqualTo(keptManifest);
      var layer = registry.get("/v2/gc/app/blobs/" + Digest.sha256(keptLayer));
      assertThat(layer.statusCode()).isEqualTo(200);
      assertThat(layer.body()).isEqualTo(keptLayer);
      assertThat(registry.get("/v2/gc/app/blobs/" + Digest.sha256(droppedLayer)).statusCode()).isEqualTo(404);
    }

    BerthCli.Result nothing = cli.run("gc", "--storage", dir.resolve("nowhere").toString());
    assertThat(nothing.exitCode()).isEqualTo(1);
    assertThat(nothing.err().strip()).isEqualTo("Error: no registry storage in " + dir.resolve("nowhere")
        + " (expected blobs/ and repositories/ there)");
    assertThat(Files.exists(dir.resolve("nowhere"))).isFalse();
  }
}
