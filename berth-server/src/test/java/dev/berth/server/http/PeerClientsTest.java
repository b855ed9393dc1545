package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients against the registry: skopeo (push and pull of a multi-arch image) and docker login. */
class PeerClientsTest {
  @TempDir static Path dir;
  static RegistryServer server;
  static String host;

  @BeforeAll
  static void start() throws Exception {
    Path users = dir.resolve("users");
    assertThat(run(null, "htpasswd", "-B", "-b", "-c", users.toString(), "peer", "peer-password").exit()).isZero();
    server = RegistryServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true),
        new PrintStream(new ByteArrayOutputStream()));
    host = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void skopeoCopiesAMultiArchOciLayoutInAndOutWithIdenticalDigests() throws Exception {
    Path layout = dir.resolve("layout");
    Digest index = writeMultiArchLayout(layout);

    Result push = run(null, "skopeo", "copy", "--all", "--dest-tls-verify=false", "--dest-creds", "peer:peer-password",
        "oci:" + layout + ":v1", "docker://" + host + "/peer/multi:v1");
    assertThat(push.exit()).as(push.output()).isZero();
    assertThat(server.storage().manifests().get("peer/multi", "v1").digest()).isEqualTo(index);

    Path out = dir.resolve("out");
    Result pull = run(null, "skopeo", "copy", "--all", "--src-tls-verify=false", "--src-creds", "peer:peer-password",
        "docker://" + host + "/peer/multi:v1", "oci:" + out + ":v1");
    assertThat(pull.exit()).as(pull.output()).isZero();
    assertThat(Files.readString(out.resolve("index.json"))).contains(index.toString());
    try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path blob : blobs.toList()) {
        assertThat(out.resolve("blobs/sha256").resolve(blob.getFileName())).hasSameBinaryContentAs(blob);
      }
    }
  }

  @Test
  void dockerLoginAcceptsTheRightPasswordOnly() throws Exception {
    Path config = dir.resolve("docker");
    Result good = run("peer-password\n", "docker", "--config", config.toString(), "login", host, "-u", "peer",
        "--password-stdin");
    assertThat(good.exit()).as(good.output()).isZero();
    assertThat(good.output()).contains("Login Succeeded");

    Result bad = run("wrong\n", "docker", "--config", config.toString(), "login", host, "-u", "peer",
        "--password-stdin");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.output()).contains("401 Unauthorized");
  }

  /** Two single-platform OCI images under one index, as an OCI layout; returns the index digest. */
  static Digest writeMultiArchLayout(Path layout) throws Exception {
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    List<String> entries = new ArrayList<>();
    for (String arch : List.of("amd64", "arm64")) {
      byte[] random = new byte[20_000];
      new Random(arch.hashCode()).nextBytes(random);
      // gzip layers, so skopeo copies them as they are instead of compressing (which rewrites manifests)
      var gz = new ByteArrayOutputStream();
      try (var out = new java.util.zip.GZIPOutputStream(gz)) {
        out.write(random);
      }
      byte[] layer = gz.toByteArray();
      Digest layerDigest = write(blobs, layer);
      byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
          + "\"diff_ids\":[\"" + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
      Digest configDigest = write(blobs, config);
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
          + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{"
          + "\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length
          + "}]}").getBytes(StandardCharsets.UTF_8);
      Digest manifestDigest = write(blobs, manifest);
      entries.add("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + manifestDigest + "\",\"size\":"
          + manifest.length + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}");
    }
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
        + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
    Digest indexDigest = write(blobs, index);
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
        + MediaTypes.OCI_INDEX + "\",\"digest\":\"" + indexDigest + "\",\"size\":" + index.length
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
    return indexDigest;
  }

  private static Digest write(Path blobs, byte[] content) throws Exception {
    Digest d = Digest.sha256(content);
    Files.write(blobs.resolve(d.encoded()), content);
    return d;
  }

  record Result(int exit, String output) {}

  static Result run(String stdin, String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }
}
