package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.testkit.SyntheticImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommandsTest {
  @TempDir Path home;
  CliRun berth;
  // Created some months ago, as IMAGES shows it; layers a few kB, as its SIZE column shows it.
  static final java.time.Instant CREATED = java.time.Instant.now().minus(java.time.Duration.ofDays(95));
  SyntheticImage image = image();
  Digest configDigest = Digest.parse(image.config().digest());

  private static SyntheticImage.Builder builder() {
    return SyntheticImage.builder().seed(31).layerSizes(3000, 2000).created(CREATED);
  }

  private static SyntheticImage image(String... repoTags) {
    return builder().repoTags(repoTags).build();
  }

  /** A docker save tar of {@link #image} naming it {@code repoTags}. */
  private static Path dockerSave(Path tar, String... repoTags) {
    return image(repoTags).writeDockerArchive(tar);
  }

  @BeforeEach
  void setUp() {
    berth = new CliRun(home);
  }

  @Test
  void loadImagesTagRmi() throws Exception {
    Path tar = dockerSave(home.resolve("in.tar"), "app:1");
    CliRun.Result load = berth.run("load", "-i", tar.toString());
    assertThat(load.exitCode()).as(load.err()).isZero();
    assertThat(load.out()).isEqualTo("Loaded image: app:1\n");
    assertThat(Files.exists(home.resolve("data/berth/images/index.json"))).isTrue();

    assertThat(berth.run("tag", "app:1", "localhost:5000/team/app:2").exitCode()).isZero();
    CliRun.Result images = berth.run("images");
    String id = configDigest.shortId();
    assertThat(images.out().lines().toList()).hasSize(3);
    assertThat(images.out().lines().findFirst().orElseThrow())
        .matches("REPOSITORY +TAG +IMAGE ID +CREATED +SIZE");
    assertThat(images.out()).containsPattern("app +1 +" + id + " +\\d+ months ago +\\d+(\\.\\d+)?kB")
        .containsPattern("localhost:5000/team/app +2 +" + id + " ");
    // as docker: one ID per row, so an image with two names shows twice
    assertThat(berth.run("images", "-q").out()).isEqualTo(id + "\n" + id + "\n");
    assertThat(berth.run("images", "app").out().lines().count()).isEqualTo(2);

    CliRun.Result conflict = berth.run("rmi", id);
    assertThat(conflict.exitCode()).isEqualTo(1);
    assertThat(conflict.err()).isEqualTo("Error: conflict: unable to delete " + id
        + " (must be forced) - image is referenced in multiple repositories\n");

    assertThat(berth.run("rmi", "app:1").out()).isEqualTo("Untagged: app:1\n");
    CliRun.Result last = berth.run("rmi", "localhost:5000/team/app:2");
    assertThat(last.out()).isEqualTo("Untagged: localhost:5000/team/app:2\nDeleted: " + configDigest + "\n");
    try (var blobs = Files.list(home.resolve("data/berth/images/blobs/sha256"))) {
      assertThat(blobs).isEmpty();
    }
    assertThat(berth.run("images").out().lines().count()).isEqualTo(1);
  }

  @Test
  void saveThenLoadIntoAnotherStoreKeepsTheDigest() throws Exception {
    berth.run("load", "-i", dockerSave(home.resolve("in.tar"), "app:1").toString());
    Path out = home.resolve("out/saved.tar");
    Files.createDirectories(out.getParent());
    CliRun.Result save = berth.run("save", "app:1", "-o", out.toString());
    assertThat(save.exitCode()).as(save.err()).isZero();
    try (var files = Files.list(out.getParent())) {
      assertThat(files).containsExactly(out); // no temporary file left
    }
    CliRun other = new CliRun(home.resolve("other"));
    assertThat(other.run("load", "-i", out.toString()).out()).isEqualTo("Loaded image: app:1\n");
    assertThat(Files.readString(home.resolve("other/data/berth/images/index.json")))
        .isEqualTo(Files.readString(home.resolve("data/berth/images/index.json")));

    // a tar on stdin loads too
    CliRun third = new CliRun(home.resolve("third"));
    assertThat(third.run(Files.readAllBytes(out), "load").out()).isEqualTo("Loaded image: app:1\n");
  }

  @Test
  void loadsAnOciLayoutDirectory() throws Exception {
    image.writeOciLayout(home.resolve("layout"), Map.of("io.containerd.image.name", "example.com/x/y:7"));
    assertThat(berth.run("load", "-i", home.resolve("layout").toString()).out()).isEqualTo("Loaded image: example.com/x/y:7\n");
  }

  @Test
  void badInputGivesOneLineErrors() throws Exception {
    CliRun.Result bad = berth.run("tag", "x", "UPPER/Case:1");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).startsWith("Error: invalid reference format").contains("UPPER/Case:1").hasLineCount(1);

    CliRun.Result push = berth.run("push", "bad name!");
    assertThat(push.err()).startsWith("Error: invalid reference format").contains("bad name!").hasLineCount(1);

    CliRun.Result missing = berth.run("rmi", "nothere:1");
    assertThat(missing.err()).isEqualTo("Error: No such image: nothere:1\n");

    CliRun.Result notTar = berth.run("load", "-i", Files.writeString(home.resolve("junk"), "junk").toString());
    assertThat(notTar.exitCode()).isEqualTo(1);
    assertThat(notTar.err()).contains(home.resolve("junk").toString()).hasLineCount(1);

    CliRun.Result noImage = berth.run("push", "localhost:5000/a:1");
    assertThat(noImage.err()).isEqualTo("Error: An image does not exist locally with the tag: localhost:5000/a:1\n");

    berth.run("load", "-i", dockerSave(home.resolve("in.tar"), "example.invalid/a:1").toString());
    CliRun.Result unknownHost = berth.run("push", "example.invalid/a:1");
    assertThat(unknownHost.exitCode()).isEqualTo(1);
    assertThat(unknownHost.err()).startsWith("Error: unknown registry host: example.invalid").hasLineCount(1);
  }
}
