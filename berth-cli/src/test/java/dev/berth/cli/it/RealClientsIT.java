package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.model.Digest;
import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticIndex;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The clients people push and pull with, against a real {@code berth serve} with htpasswd users:
 * skopeo copies OCI archives, docker archives and a multi-platform index in and out, and podman
 * pulls and pushes; every digest must survive the round trip unchanged. (InteropIT covers the
 * docker CLI's login and a plain OCI layout directory through skopeo.)
 */
class RealClientsIT extends WithBerthServe {
  private static final String USER = "carol";
  private static final String PASSWORD = "real clients only";

  String host;
  Path authfile;
  RegistryHttp http;

  RealClientsIT() {
    super(USER, PASSWORD);
  }

  @BeforeAll
  void authFile() throws Exception {
    host = server.host();
    http = new RegistryHttp(host, USER, PASSWORD);
    // Secrets reach the clients through an auth file (0600) or stdin, never argv.
    authfile = dir.resolve("auth.json");
    Files.createFile(authfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(authfile, "{\"auths\":{\"" + host + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
  }

  @Test
  void skopeoCopiesAnOciArchiveWithGzipLayersInAndOutByteExact() throws Exception {
    SyntheticImage image = SyntheticImage.builder().seed(301).layerSizes(20_000, 5_000).gzipLayers(true).build();
    Path archive = image.writeOciArchive(dir.resolve("oci-in.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));
    String remote = "docker://" + host + "/real/oci-archive:v1";

    skopeo("copy", "--dest-tls-verify=false", "oci-archive:" + archive + ":v1", remote);

    // berth holds the manifest byte for byte, under the tag and under its digest
    assertThat(skopeo("inspect", "--raw", "--tls-verify=false", remote).getBytes(StandardCharsets.UTF_8))
        .isEqualTo(image.manifest().content());
    HttpResponse<byte[]> byTag = http.get("/v2/real/oci-archive/manifests/v1");
    assertThat(byTag.statusCode()).isEqualTo(200);
    assertThat(byTag.headers().firstValue("Docker-Content-Digest")).contains(image.manifest().digest());
    assertThat(http.get("/v2/real/oci-archive/manifests/" + image.manifest().digest()).body())
        .isEqualTo(image.manifest().content());
    for (SyntheticImage.Blob blob : image.blobs()) {
      HttpResponse<byte[]> got = http.get("/v2/real/oci-archive/blobs/" + blob.digest());
      assertThat(got.statusCode()).as(blob.digest()).isEqualTo(200);
      assertThat(Digest.sha256(got.body()).toString()).isEqualTo(blob.digest());
    }

    // and skopeo takes out exactly what went in: same manifest digest, same blob bytes
    Path out = dir.resolve("oci-out");
    skopeo("copy", "--src-tls-verify=false", remote, "oci:" + out + ":v1");
    assertThat(TestPeers.manifestDigest(out, "v1")).isEqualTo(image.manifest().digest());
    for (SyntheticImage.Blob blob : image.blobs()) {
      assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + blob.hex()))).isEqualTo(blob.content());
    }
  }

  @Test
  void skopeoCopiesADockerArchiveInAndOutAsDockerArchiveAndOci() throws Exception {
    SyntheticImage image = SyntheticImage.builder().seed(302).layerSizes(12_000, 3_000, 700)
        .repoTag("real/archive:1").build();
    Path archive = image.writeDockerArchive(dir.resolve("docker-in.tar"));
    String remote = "docker://" + host + "/real/archive:1";

    String pushed = skopeoDigest("copy", "--dest-tls-verify=false", "docker-archive:" + archive, remote);
    HttpResponse<byte[]> manifest = http.get("/v2/real/archive/manifests/1");
    assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(pushed);
    assertThat(Digest.sha256(manifest.body()).toString()).isEqualTo(pushed);
    Map<String, Object> pushedManifest = JSON.std.mapFrom(manifest.body());
    assertThat(pushedManifest.get("mediaType")).isEqualTo(SyntheticImage.DOCKER_MANIFEST);
    assertThat(configDigest(pushedManifest)).isEqualTo(image.config().digest());

    // out as a docker archive: the same config and layers; pushed again, the same manifest
    Path dockerOut = dir.resolve("docker-out.tar");
    skopeo("copy", "--src-tls-verify=false", remote, "docker-archive:" + dockerOut + ":real/archive:1");
    String config = skopeo("inspect", "--config", "--raw", "docker-archive:" + dockerOut);
    assertThat(Digest.sha256(config.getBytes(StandardCharsets.UTF_8)).toString()).isEqualTo(image.config().digest());
    assertThat(JSON.std.mapFrom(skopeo("inspect", "docker-archive:" + dockerOut)).get("Layers")).isEqualTo(image.diffIds());
    String again = skopeoDigest("copy", "--dest-tls-verify=false", "docker-archive:" + dockerOut,
        "docker://" + host + "/real/archive:2");
    assertThat(again).isEqualTo(pushed);
    assertThat(http.get("/v2/real/archive/manifests/2").body()).isEqualTo(manifest.body());

    // out as OCI: the same config; that OCI manifest pushed back keeps its digest too
    Path ociOut = dir.resolve("archive-oci-out");
    skopeo("copy", "--src-tls-verify=false", remote, "oci:" + ociOut + ":1");
    String ociDigest = TestPeers.manifestDigest(ociOut, "1");
    Map<String, Object> ociManifest = JSON.std.mapFrom(Files.readAllBytes(
        ociOut.resolve("blobs/sha256/" + ociDigest.substring("sha256:".length()))));
    assertThat(configDigest(ociManifest)).isEqualTo(image.config().digest());
    String ociPushed = skopeoDigest("copy", "--dest-tls-verify=false", "oci:" + ociOut + ":1",
        "docker://" + host + "/real/archive:oci");
    assertThat(ociPushed).isEqualTo(ociDigest);
    assertThat(http.get("/v2/real/archive/manifests/oci").headers().firstValue("Docker-Content-Digest")).contains(ociDigest);
  }

  @Test
  void skopeoCopiesAMultiPlatformIndexWholeAndBerthServesEveryChildByDigest() throws Exception {
    // arm64 first: a client that only took "the first" entry would show here
    SyntheticImage arm64 = SyntheticImage.builder().seed(303).layerSizes(6_000).gzipLayers(true)
        .platform("linux", "arm64", "v8").build();
    SyntheticImage amd64 = SyntheticImage.builder().seed(304).layerSizes(9_000, 2_000).gzipLayers(true)
        .platform("linux", "amd64").build();
    SyntheticIndex index = SyntheticIndex.of(arm64, amd64);
    Path layout = index.writeOciLayout(dir.resolve("multi-in"), Map.of("org.opencontainers.image.ref.name", "multi"));
    String remote = "docker://" + host + "/real/multi:1";

    String pushed = skopeoDigest("copy", "--all", "--dest-tls-verify=false", "oci:" + layout + ":multi", remote);
    assertThat(pushed).isEqualTo(index.index().digest());
    assertThat(skopeo("inspect", "--raw", "--tls-verify=false", remote).getBytes(StandardCharsets.UTF_8))
        .isEqualTo(index.index().content());
    for (SyntheticImage child : index.images()) {
      HttpResponse<byte[]> got = http.get("/v2/real/multi/manifests/" + child.manifest().digest());
      assertThat(got.statusCode()).as(child.platform().toString()).isEqualTo(200);
      assertThat(got.headers().firstValue("Docker-Content-Digest")).contains(child.manifest().digest());
      assertThat(got.body()).isEqualTo(child.manifest().content());
      for (SyntheticImage.Blob blob : child.blobs()) {
        assertThat(http.get("/v2/real/multi/blobs/" + blob.digest()).statusCode()).as(blob.digest()).isEqualTo(200);
      }
    }

    // back out whole: the same index, both platforms complete
    Path out = dir.resolve("multi-out");
    skopeo("copy", "--all", "--src-tls-verify=false", remote, "oci:" + out + ":multi");
    assertThat(TestPeers.manifestDigest(out, "multi")).isEqualTo(index.index().digest());
    for (SyntheticImage child : index.images()) {
      assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + child.manifest().hex()))).isEqualTo(child.manifest().content());
      for (SyntheticImage.Blob blob : child.blobs()) {
        assertThat(out.resolve("blobs/sha256/" + blob.hex())).exists();
      }
    }
    // and a single-platform pull picks amd64 from berth's index
    Map<String, Object> chosen = JSON.std.mapFrom(skopeo("--override-arch", "amd64", "inspect", "--tls-verify=false", remote));
    assertThat(chosen.get("Layers")).isEqualTo(amd64.layers().stream().map(SyntheticImage.Blob::digest).toList());
  }

  @Test
  void podmanPullsFromAndPushesToBerthWithIdenticalDigests() throws Exception {
    try (Podman podman = new Podman(dir.resolve("podman"))) {
      Path podmanAuth = dir.resolve("podman-auth.json");
      BerthCli.Result wrong = podman.runWithInput("not the password\n", "login", "--tls-verify=false", "--authfile", podmanAuth.toString(),
          "-u", USER, "--password-stdin", host);
      assertThat(wrong.exitCode()).as(wrong.toString()).isNotZero();
      assertThat(wrong.err()).contains("invalid username/password").doesNotContain("not the password");
      requireSuccess(podman.runWithInput(PASSWORD + "\n", "login", "--tls-verify=false", "--authfile", podmanAuth.toString(),
          "-u", USER, "--password-stdin", host));
      assertThat(Files.readString(podmanAuth)).contains(host);

      // pull: an image skopeo put into berth arrives in podman under berth's digest
      SyntheticImage image = SyntheticImage.builder().seed(305).layerSizes(15_000, 4_000).gzipLayers(true).build();
      Path archive = image.writeOciArchive(dir.resolve("podman-in.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));
      String name = host + "/real/podman:1";
      skopeo("copy", "--dest-tls-verify=false", "oci-archive:" + archive + ":v1", "docker://" + name);
      requireSuccess(podman.run("pull", "--tls-verify=false", "--authfile", podmanAuth.toString(), name));
      assertThat(podman.run("image", "inspect", "--format", "{{.Digest}} {{.Id}}", name).out().strip())
          .isEqualTo(image.manifest().digest() + " " + image.config().hex());

      // push it on: berth receives the very same manifest
      String pushedName = host + "/real/podman-pushed:1";
      Path digestFile = dir.resolve("podman-push.digest");
      requireSuccess(podman.run("push", "--tls-verify=false", "--authfile", podmanAuth.toString(),
          "--digestfile", digestFile.toString(), name, "docker://" + pushedName));
      String pushed = Files.readString(digestFile).strip();
      assertThat(pushed).isEqualTo(image.manifest().digest());
      HttpResponse<byte[]> manifest = http.get("/v2/real/podman-pushed/manifests/1");
      assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(pushed);
      assertThat(manifest.body()).isEqualTo(image.manifest().content());

      // an image podman loaded itself (a docker save tar) goes out and comes back unchanged
      SyntheticImage loaded = SyntheticImage.builder().seed(306).layerSizes(8_000, 1_000).repoTag("localhost/real/loaded:1").build();
      requireSuccess(podman.run("load", "-i", loaded.writeDockerArchive(dir.resolve("podman-load.tar")).toString()));
      String loadedName = host + "/real/podman-loaded:1";
      Path loadedDigest = dir.resolve("podman-loaded.digest");
      requireSuccess(podman.run("push", "--tls-verify=false", "--authfile", podmanAuth.toString(),
          "--digestfile", loadedDigest.toString(), "localhost/real/loaded:1", "docker://" + loadedName));
      String digest = Files.readString(loadedDigest).strip();
      HttpResponse<byte[]> stored = http.get("/v2/real/podman-loaded/manifests/1");
      assertThat(stored.headers().firstValue("Docker-Content-Digest")).contains(digest);
      assertThat(Digest.sha256(stored.body()).toString()).isEqualTo(digest);
      assertThat(configDigest(JSON.std.mapFrom(stored.body()))).isEqualTo(loaded.config().digest());
      requireSuccess(podman.run("rmi", "-f", "localhost/real/loaded:1"));
      requireSuccess(podman.run("pull", "--tls-verify=false", "--authfile", podmanAuth.toString(), loadedName));
      assertThat(podman.run("image", "inspect", "--format", "{{.Digest}} {{.Id}}", loadedName).out().strip())
          .isEqualTo(digest + " " + loaded.config().hex());
    }
  }

  private static String configDigest(Map<String, Object> manifest) {
    return (String) ((Map<?, ?>) manifest.get("config")).get("digest");
  }

  /** Runs skopeo with the test's auth file; fails the test with skopeo's output if it fails. */
  private String skopeo(String... args) {
    List<String> command = new ArrayList<>(List.of("skopeo"));
    int verb = 0;
    while (args[verb].startsWith("--override-")) {
      command.add(args[verb++]); // global options (with their value) go before the verb
      command.add(args[verb++]);
    }
    command.add(args[verb]);
    command.addAll(List.of("--authfile", authfile.toString()));
    command.addAll(List.of(args).subList(verb + 1, args.length));
    return requireSuccess(cli.exec(command, "")).out();
  }

  /** {@code skopeo copy ... --digestfile}: the digest of the manifest it wrote. */
  private String skopeoDigest(String... args) throws IOException {
    Path file = Files.createTempFile(dir, "skopeo-", ".digest");
    List<String> withFile = new ArrayList<>(List.of(args));
    withFile.add(1, "--digestfile");
    withFile.add(2, file.toString());
    skopeo(withFile.toArray(String[]::new));
    return Files.readString(file).strip();
  }

  private static BerthCli.Result requireSuccess(BerthCli.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }
}
