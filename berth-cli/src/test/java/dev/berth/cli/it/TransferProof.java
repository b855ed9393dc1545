package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.testkit.FaultyProxy;
import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What issue 9 asks of the client, proved the same way against each registry and auth mode (one
 * subclass each): the shaded jar as a real process, through a proxy that cuts a connection mid-way
 * or answers 503, with skopeo and podman on the other side.
 *
 * <ul>
 *   <li>a multi-layer image and a multi-platform index round-trip with identical digests;
 *   <li>a connection cut during a large upload resumes; a registry answering 503 twice, then
 *       serving, is waited for;
 *   <li>skopeo reads what Berth pushed; Berth reads what skopeo and podman pushed.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class TransferProof {
  static final int BIG_LAYER = 16 * 1024 * 1024;
  static final String USER = "transfer";
  static final String PASSWORD = "proof of transfer";
  private static final Pattern DIGEST_LINE = Pattern.compile("(?m)^\\S+: digest: (sha256:[0-9a-f]{64}) size: \\d+$");

  Path dir;
  FaultyProxy proxy;
  /** The registry as clients reach it through the proxy. */
  String host;
  /** Two users of Berth, each with their own store and config.json. */
  BerthCli pusher;
  BerthCli puller;
  Path authfile;

  /** Starts the registry (users: {@link #USER}/{@link #PASSWORD} as htpasswd -B writes them); answers its {@code 127.0.0.1:PORT}. */
  abstract String startRegistry(Path dir) throws Exception;

  abstract void stopRegistry();

  /** Whether the registry keeps what a cut upload received (distribution 2.8 drops the session). */
  boolean keepsCutUploads() {
    return false;
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    String registry = startRegistry(Files.createDirectories(dir.resolve("registry")));
    proxy = FaultyProxy.start("127.0.0.1", Integer.parseInt(registry.substring(registry.indexOf(':') + 1)));
    host = proxy.host();
    pusher = new BerthCli(dir.resolve("pusher"));
    puller = new BerthCli(dir.resolve("puller"));
    String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"},\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}";
    for (BerthCli cli : List.of(pusher, puller)) {
      Files.createDirectories(cli.dockerConfigDir());
      Files.writeString(cli.dockerConfigDir().resolve("config.json"), json);
    }
    // skopeo and podman get the same credentials in an auth file (0600), never on argv
    authfile = dir.resolve("auth.json");
    Files.createFile(authfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(authfile, json);
  }

  @AfterAll
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    stopRegistry();
  }

  static BerthCli.Result ok(BerthCli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  static String pushedDigest(BerthCli.Result push) {
    Matcher m = DIGEST_LINE.matcher(push.out());
    assertThat(m.find()).as(push.toString()).isTrue();
    return m.group(1);
  }

  /** Runs skopeo with the test's auth file, over plain HTTP. */
  BerthCli.Result skopeo(String verb, String... args) {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", verb, "--authfile", authfile.toString()));
    command.addAll(List.of(args));
    return ok(pusher.exec(command, ""));
  }

  @Test
  void aMultiLayerImageSurvivesACutUploadAndA503PullWithIdenticalDigests() throws Exception {
    String name = host + "/proof/layers:1";
    SyntheticImage image = SyntheticImage.builder().seed(911).layerSizes(BIG_LAYER, 40_000, 3_000).repoTag(name).build();
    ok(pusher.run("load", "-i", image.writeDockerArchive(dir.resolve("layers.tar")).toString()));

    proxy.cutUploadAfter(BIG_LAYER * 3L / 4);
    long upBefore = proxy.bytesUp();
    BerthCli.Result push = ok(pusher.run("push", name));
    assertThat(proxy.cuts()).as(push.toString()).isEqualTo(1);
    if (keepsCutUploads()) {
      // resumed where the registry said it stood: what it had received is not sent again. A
      // restart sends 1.75 times the big layer; a resume sends it once, plus what was still in
      // flight when the connection was cut (socket buffers: about a megabyte on a loaded machine)
      assertThat(proxy.bytesUp() - upBefore).as("bytes sent for the push").isLessThan(BIG_LAYER * 3L / 2);
    }
    assertThat(push.out()).containsPattern("(?m)^[0-9a-f]{12}: Retrying in [0-9]+ seconds?$");
    String pushed = pushedDigest(push);

    // 503 twice (asking for no wait, to keep the test short), then the registry itself
    proxy.failNextConnections(2, FaultyProxy.UNAVAILABLE.replace("Retry-After: 1", "Retry-After: 0"));
    BerthCli.Result pull = ok(puller.run("pull", name));
    assertThat(proxy.cannedAnswers()).isEqualTo(2);
    assertThat(pull.out()).contains("Retrying in 0 seconds (Tried to pull manifest " + host + "/proof/layers:1 but failed"
        + " because: unknown: HTTP status 503)").contains("Digest: " + pushed + "\n");
    // what skopeo reads from the registry is what Berth pushed
    assertThat(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + host + "/proof/layers:1").out().strip())
        .satisfies(raw -> assertThat(dev.berth.model.Digest.sha256(raw.getBytes(StandardCharsets.UTF_8)).toString()).isEqualTo(pushed));
    // and skopeo copies it out whole, every blob checked against its digest on the way
    Path copied = dir.resolve("skopeo-out");
    skopeo("copy", "--src-tls-verify=false", "docker://" + host + "/proof/layers:1", "oci:" + copied + ":x");
    try (var blobs = Files.list(copied.resolve("blobs/sha256"))) {
      List<Path> all = blobs.toList();
      assertThat(all).hasSizeGreaterThanOrEqualTo(image.layers().size() + 2); // the layers, a config, a manifest
      for (Path blob : all) {
        assertThat(dev.berth.model.Digest.sha256(Files.readAllBytes(blob)).toString()).isEqualTo("sha256:" + blob.getFileName());
      }
    }
  }

  @Test
  void aMultiPlatformIndexRoundTripsWhole() throws Exception {
    String name = host + "/proof/multi:1";
    SyntheticImage arm64 = SyntheticImage.builder().seed(921).layerSizes(20_000).gzipLayers(true).platform("linux", "arm64", "v8").build();
    SyntheticImage amd64 = SyntheticImage.builder().seed(922).layerSizes(30_000, 2_000).gzipLayers(true).platform("linux", "amd64").build();
    SyntheticIndex index = SyntheticIndex.of(arm64, amd64);
    Path layout = index.writeOciLayout(dir.resolve("multi"), Map.of("io.containerd.image.name", name));
    ok(pusher.run("load", "-i", layout.toString()));
    assertThat(pushedDigest(ok(pusher.run("push", name)))).isEqualTo(index.index().digest());

    ok(puller.run("pull", "--all-platforms", name));
    Path saved = dir.resolve("multi-saved.tar");
    ok(puller.run("save", "-o", saved.toString(), name));
    Path digestFile = dir.resolve("multi.digest");
    skopeo("copy", "--all", "--digestfile", digestFile.toString(), "oci-archive:" + saved, "oci:" + dir.resolve("multi-copy") + ":x");
    assertThat(Files.readString(digestFile).strip()).isEqualTo(index.index().digest());
    // and skopeo finds every platform in the registry
    Map<String, Object> raw = JSON.std.mapFrom(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + name).out());
    assertThat(raw.get("manifests")).asList().hasSize(2);
  }

  @Test
  void berthReadsWhatSkopeoAndPodmanPushed() throws Exception {
    SyntheticImage image = SyntheticImage.builder().seed(931).layerSizes(50_000, 7_000).gzipLayers(true).build();
    Path archive = image.writeOciArchive(dir.resolve("skopeo-in.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));
    skopeo("copy", "--dest-tls-verify=false", "oci-archive:" + archive + ":v1", "docker://" + host + "/proof/from-skopeo:1");
    BerthCli.Result pull = ok(puller.run("pull", host + "/proof/from-skopeo:1"));
    assertThat(pull.out()).contains("Digest: " + image.manifest().digest() + "\n");

    try (Podman podman = new Podman(dir.resolve("podman"))) {
      SyntheticImage loaded = SyntheticImage.builder().seed(932).layerSizes(9_000, 1_000).repoTag("localhost/proof/podman:1").build();
      ok(podman.run("load", "-i", loaded.writeDockerArchive(dir.resolve("podman.tar")).toString()));
      Path digestFile = dir.resolve("podman.digest");
      ok(podman.run("push", "--tls-verify=false", "--authfile", authfile.toString(), "--digestfile", digestFile.toString(),
          "localhost/proof/podman:1", "docker://" + host + "/proof/from-podman:1"));
      String digest = Files.readString(digestFile).strip();
      BerthCli.Result fromPodman = ok(puller.run("pull", host + "/proof/from-podman:1"));
      assertThat(fromPodman.out()).contains("Digest: " + digest + "\n");
    }
  }
}
