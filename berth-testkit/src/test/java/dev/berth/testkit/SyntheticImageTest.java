package dev.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticImageTest {

  @Test
  void sameSeedSameBytesOtherSeedOtherDigests() {
    SyntheticImage a = SyntheticImage.of(42);
    SyntheticImage b = SyntheticImage.of(42);
    SyntheticImage c = SyntheticImage.of(43);
    assertThat(a.manifest().digest()).isEqualTo(b.manifest().digest());
    assertThat(a.config().content()).isEqualTo(b.config().content());
    assertThat(c.manifest().digest()).isNotEqualTo(a.manifest().digest());
    assertThat(c.layers()).extracting(SyntheticImage.Blob::digest)
        .doesNotContainAnyElementsOf(a.diffIds());
  }

  @Test
  void configRecordsTheDiffIdsOfItsTarLayers() throws Exception {
    SyntheticImage image = SyntheticImage.builder().seed(5).layerSizes(100, 5000).build();
    Map<String, Object> config = JSON.std.mapFrom(image.config().content());
    @SuppressWarnings("unchecked")
    Map<String, Object> rootfs = (Map<String, Object>) config.get("rootfs");
    assertThat(rootfs.get("diff_ids")).isEqualTo(image.diffIds());
    assertThat(image.layers()).hasSize(2);
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(image.layers().get(1).content()))) {
      long size = 0;
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        names.add(e.getName());
        size += e.getSize();
        assertThat(e.getUserName()).isEmpty();
      }
      assertThat(size).isEqualTo(5000);
    }
    assertThat(names).first().isEqualTo("layer-1/");
  }

  @Test
  void manifestsDescribeTheBlobs() throws Exception {
    SyntheticImage image = SyntheticImage.of(1);
    Map<String, Object> manifest = JSON.std.mapFrom(image.manifest().content());
    assertThat(manifest.get("mediaType")).isEqualTo(SyntheticImage.OCI_MANIFEST);
    assertThat(((Map<?, ?>) manifest.get("config")).get("digest")).isEqualTo(image.config().digest());
    Map<String, Object> docker = JSON.std.mapFrom(image.dockerManifest().content());
    assertThat(docker.get("mediaType")).isEqualTo(SyntheticImage.DOCKER_MANIFEST);
    assertThat(((List<?>) docker.get("layers"))).hasSize(3);
  }

  // skopeo reads both formats the way a real client does; the digests must survive.
  @Test
  void skopeoReadsTheOciLayoutAndTheDockerArchive(@TempDir Path dir) throws Exception {
    Path skopeo = Peers.require("skopeo", "skopeo");
    SyntheticImage image = SyntheticImage.builder().seed(9).repoTag("example.test/demo/app:1").build();
    Path layout = image.writeOciLayout(dir.resolve("layout"));
    Path archive = image.writeDockerArchive(dir.resolve("app.tar"));
    Path ociArchive = image.writeOciArchive(dir.resolve("app-oci.tar"));

    Map<String, Object> fromLayout = inspect(skopeo, "oci:" + layout + ":1");
    assertThat(fromLayout.get("Digest")).isEqualTo(image.manifest().digest());
    assertThat(fromLayout.get("Layers")).isEqualTo(image.diffIds());
    assertThat(inspect(skopeo, "oci-archive:" + ociArchive + ":1").get("Digest"))
        .isEqualTo(image.manifest().digest());

    // Selecting the image by its RepoTags name proves manifest.json names it.
    Map<String, Object> fromArchive =
        inspect(skopeo, "docker-archive:" + archive + ":example.test/demo/app:1");
    assertThat(fromArchive.get("Layers")).isEqualTo(image.diffIds());
    assertThat(Files.size(archive)).isGreaterThan(image.layers().get(2).size());

    Path modern = image.writeDockerArchiveOciStyle(dir.resolve("app-modern.tar"));
    assertThat(inspect(skopeo, "docker-archive:" + modern + ":example.test/demo/app:1").get("Layers"))
        .isEqualTo(image.diffIds());
    assertThat(inspect(skopeo, "oci-archive:" + modern + ":1").get("Digest"))
        .isEqualTo(image.manifest().digest());
  }

  @Test
  void gzipLayersKeepTheDiffIdsAndDockerArchivesKeepTheTars(@TempDir Path dir) throws Exception {
    SyntheticImage plain = SyntheticImage.builder().seed(3).layerSizes(700, 900).build();
    SyntheticImage gzipped = SyntheticImage.builder().seed(3).layerSizes(700, 900).gzipLayers(true)
        .repoTags("a/b:1", "c:2").build();
    assertThat(gzipped.diffIds()).isEqualTo(plain.diffIds());
    assertThat(gzipped.config().digest()).isEqualTo(plain.config().digest());
    assertThat(gzipped.layers()).extracting(SyntheticImage.Blob::mediaType)
        .containsOnly(SyntheticImage.OCI_LAYER_GZIP);
    assertThat(new java.util.zip.GZIPInputStream(
        new ByteArrayInputStream(gzipped.layers().get(1).content())).readAllBytes())
        .isEqualTo(plain.layers().get(1).content());
    assertThat(SyntheticImage.gzip(plain.layers().get(0).content()))
        .isEqualTo(gzipped.layers().get(0).content());

    Path skopeo = Peers.require("skopeo", "skopeo");
    Path archive = gzipped.writeDockerArchive(dir.resolve("two-names.tar"));
    for (String name : List.of("a/b:1", "c:2")) {
      assertThat(inspect(skopeo, "docker-archive:" + archive + ":" + name).get("Layers"))
          .isEqualTo(plain.diffIds());
    }
    Path layout = gzipped.writeOciLayout(dir.resolve("layout"), Map.of("org.opencontainers.image.ref.name", "x"));
    assertThat(inspect(skopeo, "oci:" + layout + ":x").get("Digest")).isEqualTo(gzipped.manifest().digest());
  }

  @Test
  void anIndexListsEachImageWithItsPlatformAndSkopeoReadsIt(@TempDir Path dir) throws Exception {
    SyntheticImage arm = SyntheticImage.builder().seed(7).platform("linux", "arm64", "v8").build();
    SyntheticImage amd = SyntheticImage.builder().seed(8).platform("linux", "amd64").build();
    SyntheticIndex index = SyntheticIndex.of(arm, amd);
    Map<String, Object> body = JSON.std.mapFrom(index.index().content());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> manifests = (List<Map<String, Object>>) body.get("manifests");
    assertThat(manifests).extracting(m -> m.get("digest"))
        .containsExactly(arm.manifest().digest(), amd.manifest().digest());
    assertThat(manifests.get(0).get("platform"))
        .isEqualTo(Map.of("architecture", "arm64", "os", "linux", "variant", "v8"));

    Path skopeo = Peers.require("skopeo", "skopeo");
    Path layout = index.writeOciLayout(dir.resolve("layout"), Map.of("org.opencontainers.image.ref.name", "multi"));
    Exec.Result raw = Exec.run(Duration.ofSeconds(30), skopeo.toString(), "inspect", "--raw", "oci:" + layout + ":multi")
        .requireSuccess();
    assertThat(raw.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(index.index().content());
    // skopeo picks the amd64 entry, not the first one
    Exec.Result chosen = Exec.run(Duration.ofSeconds(30), skopeo.toString(), "--override-arch", "amd64",
        "inspect", "oci:" + layout + ":multi").requireSuccess();
    Map<String, Object> amd64 = JSON.std.mapFrom(chosen.stdout());
    assertThat(amd64.get("Architecture")).isEqualTo("amd64");
    assertThat(amd64.get("Layers")).isEqualTo(amd.diffIds());
  }

  private static Map<String, Object> inspect(Path skopeo, String source) throws Exception {
    Exec.Result result = Exec.run(Duration.ofSeconds(30), skopeo.toString(), "inspect", source)
        .requireSuccess();
    return JSON.std.mapFrom(result.stdout());
  }
}
