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

  private static Map<String, Object> inspect(Path skopeo, String source) throws Exception {
    Exec.Result result = Exec.run(Duration.ofSeconds(30), skopeo.toString(), "inspect", source)
        .requireSuccess();
    return JSON.std.mapFrom(result.stdout());
  }
}
