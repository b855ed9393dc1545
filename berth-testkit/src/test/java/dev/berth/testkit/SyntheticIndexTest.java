package dev.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticIndexTest {

  @Test
  void skopeoCopiesEveryPlatformOfTheIndex(@TempDir Path dir) throws Exception {
    Path skopeo = Peers.require("skopeo", "skopeo");
    SyntheticIndex index = SyntheticIndex.of("example.test/multi:1",
        SyntheticImage.builder().seed(1).platform("linux", "amd64").build(),
        SyntheticImage.builder().seed(2).platform("linux", "arm64").build());
    Path layout = index.writeOciLayout(dir.resolve("layout"));

    Exec.Result raw = Exec.run(Duration.ofSeconds(30), skopeo.toString(), "inspect", "--raw",
        "oci:" + layout + ":1").requireSuccess();
    // skopeo prints the stored bytes (plus a newline): the layout names exactly our index.
    assertThat(SyntheticImage.sha256(raw.stdout().stripTrailing().getBytes()))
        .isEqualTo(index.index().digest());
    Map<String, Object> body = JSON.std.mapFrom(raw.stdout());
    assertThat((List<?>) body.get("manifests")).hasSize(2);

    // --all copies (and so reads and verifies) every child manifest and blob; digests must survive.
    Path copy = dir.resolve("copy");
    Exec.run(Duration.ofSeconds(60), skopeo.toString(), "copy", "--all", "--preserve-digests",
        "--quiet", "oci:" + layout + ":1", "oci:" + copy + ":1").requireSuccess();
    Exec.Result copied = Exec.run(Duration.ofSeconds(30), skopeo.toString(), "inspect", "--raw",
        "oci:" + copy + ":1").requireSuccess();
    assertThat(copied.stdout().stripTrailing()).isEqualTo(raw.stdout().stripTrailing());
    for (SyntheticImage image : index.images()) {
      assertThat(copy.resolve("blobs/sha256/" + image.manifest().hex())).exists();
    }
  }
}
