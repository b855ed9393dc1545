package dev.berth.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.archive.ArchiveLoader;
import dev.berth.model.Digest;
import dev.berth.model.Reference;
import dev.berth.model.io.AtomicWrite;
import dev.berth.testkit.SyntheticImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
  @TempDir Path dir;

  /** A small image of {@code layers} uncompressed layers whose docker save tar names it {@code repoTags}. */
  private static SyntheticImage image(long seed, int layers, String... repoTags) {
    int[] sizes = new int[layers];
    java.util.Arrays.setAll(sizes, i -> 1024 + 977 * (i + 1));
    return SyntheticImage.builder().seed(seed).layerSizes(sizes).repoTags(repoTags).build();
  }

  private static Digest configDigest(SyntheticImage image) {
    return Digest.parse(image.config().digest());
  }

  private static List<Digest> layerDigests(SyntheticImage image) {
    return image.diffIds().stream().map(Digest::parse).toList();
  }

  @Test
  void aBlobWithTheWrongDigestLeavesNothingBehind() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    Digest claimed = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> store.putBlob(new ByteArrayInputStream(content), claimed, content.length))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(claimed.toString()).hasMessageContaining(Digest.sha256(content).toString());
    assertThat(store.hasBlob(claimed)).isFalse();
    assertThat(store.hasBlob(Digest.sha256(content))).isFalse();
    try (var files = Files.list(dir.resolve("images/.tmp"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aBlobWithTheWrongSizeIsRejected() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> store.putBlob(new ByteArrayInputStream(content), Digest.sha256(content), 4))
        .isInstanceOf(DigestMismatchException.class).hasMessageContaining("expected 4");
    assertThat(store.hasBlob(Digest.sha256(content))).isFalse();
  }

  @Test
  void resolvesByNormalisedNameAndByIdPrefix() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    var image = image(1, 2, "myimage:1.0");
    new ArchiveLoader(store).load(image.writeDockerArchive(dir.resolve("a.tar")));

    assertThat(store.resolve("myimage:1.0").name().canonical()).isEqualTo("docker.io/library/myimage:1.0");
    assertThat(store.resolve("docker.io/library/myimage:1.0").id()).isEqualTo(configDigest(image));
    assertThat(store.resolve(configDigest(image).encoded().substring(0, 12)).id()).isEqualTo(configDigest(image));
    assertThat(store.resolve("sha256:" + configDigest(image).encoded().substring(0, 6)).id()).isEqualTo(configDigest(image));
    assertThatThrownBy(() -> store.resolve("myimage")).hasMessage("No such image: myimage:latest");
    assertThatThrownBy(() -> store.resolve("Bad//Name")).hasMessageContaining("invalid reference format");
    assertThat(Files.readString(dir.resolve("images/index.json")))
        .contains("\"org.opencontainers.image.ref.name\":\"docker.io/library/myimage:1.0\"");
  }

  @Test
  void tagMovesANameAndRemovingTheLastNameCollectsTheBlobs() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    var one = image(2, 2, "app:1");
    new ArchiveLoader(store).load(one.writeDockerArchive(dir.resolve("one.tar")));
    StoredImage image = store.resolve("app:1");
    store.addImage(image.target(), List.of(Reference.parse("localhost:5000/app:1")));
    assertThat(store.namesOf(image.target().digest())).extracting(i -> i.name().familiar())
        .containsExactly("app:1", "localhost:5000/app:1");

    assertThat(store.removeEntry(store.resolve("app:1"))).isFalse();
    assertThat(store.collectGarbage()).isEmpty();
    assertThat(store.removeEntry(store.resolve("localhost:5000/app:1"))).isTrue();
    List<Digest> deleted = store.collectGarbage();
    assertThat(deleted).contains(configDigest(one)).containsAll(layerDigests(one));
    assertThat(store.list()).isEmpty();
  }

  @Test
  void aMovedTagLeavesTheOldImageDangling() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    var one = image(2, 1, "app:1");
    var two = image(3, 1, "app:1");
    new ArchiveLoader(store).load(one.writeDockerArchive(dir.resolve("one.tar")));
    new ArchiveLoader(store).load(two.writeDockerArchive(dir.resolve("two.tar")));
    assertThat(store.list()).extracting(StoredImage::id).containsExactlyInAnyOrder(configDigest(one), configDigest(two));
    assertThat(store.resolve("app:1").id()).isEqualTo(configDigest(two));
    assertThat(store.list()).filteredOn(i -> i.name() == null).extracting(StoredImage::id).containsExactly(configDigest(one));
  }

  @Test
  void anImageWhoseLayerVanishedCannotBeNamed() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    var image = image(4, 2, "v:1");
    new ArchiveLoader(store).load(image.writeDockerArchive(dir.resolve("v.tar")));
    StoredImage stored = store.resolve("v:1");
    Files.delete(store.blobPath(layerDigests(image).get(1)));
    assertThatThrownBy(() -> store.addImage(stored.target(), List.of(Reference.parse("v:2"))))
        .isInstanceOf(StoreException.class).hasMessageContaining(layerDigests(image).get(1).toString());
    assertThat(store.list()).extracting(i -> i.name().familiar()).containsExactly("v:1");
  }

  @Test
  void concurrentNamingLosesNoUpdate() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    new ArchiveLoader(store).load(image(5, 1, "c:0").writeDockerArchive(dir.resolve("c.tar")));
    StoredImage image = store.resolve("c:0");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      int n = i;
      futures.add(pool.submit(() -> {
        store.addImage(image.target(), List.of(Reference.parse("c:" + n)));
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    assertThat(store.namesOf(image.target().digest())).hasSize(21);
  }

  @Test
  void indexJsonIsReplacedAtomicallyAndNoTemporaryFilesRemain() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("images"));
    new ArchiveLoader(store).load(image(6, 2, "t:1").writeDockerArchive(dir.resolve("t.tar")));
    try (var files = Files.list(dir.resolve("images"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(AtomicWrite.TEMP_PREFIX));
    }
    try (var files = Files.list(dir.resolve("images/.tmp"))) {
      assertThat(files).isEmpty();
    }
    // a reopened store reads what the first one wrote
    assertThat(ImageStore.open(dir.resolve("images")).resolve("t:1").manifest().layers()).hasSize(2);
  }
}
