package dev.berth.client.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.testkit.Peers;
import dev.berth.testkit.SyntheticImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {
  @TempDir Path dir;

  private ImageStore store(String name) throws IOException {
    return ImageStore.open(dir.resolve(name));
  }

  /**
   * A small image of {@code layers} layers, gzip-compressed in OCI layouts (a docker save tar
   * holds them uncompressed), whose docker save tar names it {@code repoTags}.
   */
  private static SyntheticImage image(long seed, int layers, String... repoTags) {
    int[] sizes = new int[layers];
    java.util.Arrays.setAll(sizes, i -> 1024 + 977 * (i + 1));
    return SyntheticImage.builder().seed(seed).layerSizes(sizes).gzipLayers(true).repoTags(repoTags).build();
  }

  private static Digest configDigest(SyntheticImage image) {
    return Digest.parse(image.config().digest());
  }

  private static List<Digest> layerDigests(SyntheticImage image) {
    return image.diffIds().stream().map(Digest::parse).toList();
  }

  @Test
  void loadsADockerSaveTarKeepingLayersAsTheyAre() throws Exception {
    var image = image(11, 3, "x:1", "localhost:5000/y/z:2");
    ImageStore store = store("s");
    List<LoadedImage> loaded = new ArchiveLoader(store).load(image.writeDockerArchive(dir.resolve("x.tar")));

    assertThat(loaded).extracting(LoadedImage::message)
        .containsExactly("Loaded image: x:1", "Loaded image: localhost:5000/y/z:2");
    StoredImage stored = store.resolve("x:1");
    assertThat(stored.id()).isEqualTo(configDigest(image));
    assertThat(stored.manifest().layers()).extracting(l -> l.digest()).containsExactlyElementsOf(layerDigests(image));
    assertThat(stored.manifest().layers()).allMatch(l -> l.mediaType().equals(MediaTypes.OCI_LAYER));
    assertThat(stored.manifest().config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
  }

  @Test
  void gzippedDockerSaveLayersGetTheGzipMediaTypeAndAGzippedArchiveLoads() throws Exception {
    var image = image(12, 1, "gz:1");
    Path tar = image.writeDockerArchive(dir.resolve("plain.tar"));
    Path gz = dir.resolve("x.tar.gz");
    Files.write(gz, SyntheticImage.gzip(Files.readAllBytes(tar)));
    ImageStore store = store("s");
    assertThat(new ArchiveLoader(store).load(gz)).extracting(LoadedImage::message).containsExactly("Loaded image: gz:1");
  }

  @Test
  void unnamedImagesAreLoadedById() throws Exception {
    var image = image(13, 1);
    ImageStore store = store("s");
    assertThat(new ArchiveLoader(store).load(image.writeDockerArchive(dir.resolve("x.tar"))))
        .extracting(LoadedImage::message).containsExactly("Loaded image ID: " + configDigest(image));
    assertThat(store.list()).hasSize(1).allMatch(i -> i.name() == null);
  }

  @Test
  void loadsOciLayoutsNamedByAnnotation() throws Exception {
    var image = image(14, 2);
    image.writeOciLayout(dir.resolve("layout"), Map.of("io.containerd.image.name", "docker.io/library/oci:3"));
    Digest manifest = Digest.parse(image.manifest().digest());
    ImageStore store = store("s");
    assertThat(new ArchiveLoader(store).load(dir.resolve("layout"))).extracting(LoadedImage::message)
        .containsExactly("Loaded image: oci:3");
    assertThat(store.resolve("oci:3").target().digest()).isEqualTo(manifest);

    image.writeOciArchive(dir.resolve("oci.tar"), Map.of("org.opencontainers.image.ref.name", "example.com/a/b:4"));
    Digest archived = Digest.parse(image.manifest().digest());
    ImageStore other = store("t");
    assertThat(new ArchiveLoader(other).load(dir.resolve("oci.tar"))).extracting(LoadedImage::message)
        .containsExactly("Loaded image: example.com/a/b:4");
    assertThat(other.resolve("example.com/a/b:4").target().digest()).isEqualTo(archived);

    // a bare tag in ref.name names nothing, as in docker load
    Path bare = dir.resolve("bare");
    image.writeOciLayout(bare, Map.of("org.opencontainers.image.ref.name", "latest"));
    assertThat(new ArchiveLoader(store("u")).load(bare)).extracting(LoadedImage::message)
        .containsExactly("Loaded image ID: " + configDigest(image));
  }

  @Test
  void saveThenLoadKeepsTheManifestDigest() throws Exception {
    var image = image(15, 3, "rt:1");
    ImageStore first = store("first");
    new ArchiveLoader(first).load(image.writeDockerArchive(dir.resolve("in.tar")));
    StoredImage original = first.resolve("rt:1");
    Path saved = dir.resolve("saved.tar");
    try (OutputStream out = Files.newOutputStream(saved)) {
      new ArchiveSaver(first).save(List.of(new ArchiveSaver.Item(original, original.name())), out);
    }
    ImageStore second = store("second");
    assertThat(new ArchiveLoader(second).load(saved)).extracting(LoadedImage::message).containsExactly("Loaded image: rt:1");
    assertThat(second.resolve("rt:1").target()).isEqualTo(original.target());
  }

  @Test
  void savedArchivesAreReadableBySkopeoAsBothLayouts() throws Exception {
    Peers.require("skopeo", "skopeo");
    var image = image(16, 2, "sk:1");
    ImageStore store = store("s");
    new ArchiveLoader(store).load(image.writeDockerArchive(dir.resolve("in.tar")));
    StoredImage stored = store.resolve("sk:1");
    Path saved = dir.resolve("saved.tar");
    try (OutputStream out = Files.newOutputStream(saved)) {
      new ArchiveSaver(store).save(List.of(new ArchiveSaver.Item(stored, stored.name())), out);
    }
    // the OCI side: skopeo reads the exact manifest
    assertThat(skopeo("inspect", "--raw", "oci-archive:" + saved))
        .isEqualTo(new String(store.readSmallBlob(stored.target().digest()), StandardCharsets.UTF_8));
    // the docker side: skopeo reads manifest.json and finds the same config
    assertThat(skopeo("inspect", "--config", "--raw", "docker-archive:" + saved))
        .isEqualTo(new String(store.readSmallBlob(configDigest(image)), StandardCharsets.UTF_8));

    // and an archive skopeo writes (docker-archive) loads with its name and the same layers
    Path layout = dir.resolve("layout");
    image.writeOciLayout(layout, Map.of("org.opencontainers.image.ref.name", "v1"));
    Path written = dir.resolve("skopeo.tar");
    skopeo("copy", "-q", "oci:" + layout + ":v1", "docker-archive:" + written + ":skopeo/written:5");
    ImageStore other = store("o");
    assertThat(new ArchiveLoader(other).load(written)).extracting(LoadedImage::message)
        .containsExactly("Loaded image: skopeo/written:5");
    assertThat(other.resolve("skopeo/written:5").id()).isEqualTo(configDigest(image));
  }

  @Test
  void theStoreItselfIsAnOciLayoutSkopeoCanRead() throws Exception {
    Peers.require("skopeo", "skopeo");
    var image = image(17, 2, "layout:1");
    ImageStore store = store("s");
    new ArchiveLoader(store).load(image.writeDockerArchive(dir.resolve("in.tar")));
    String digest = store.resolve("layout:1").target().digest().toString();
    assertThat(skopeo("inspect", "--format", "{{.Digest}}", "oci:" + store.root() + ":docker.io/library/layout:1").trim())
        .isEqualTo(digest);
  }

  @Test
  void rejectsWhatIsNotAnImageArchive() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.txt"), "not a tar");
    assertThatThrownBy(() -> new ArchiveLoader(store("s")).load(junk)).hasMessageContaining(junk.toString());
    assertThatThrownBy(() -> new ArchiveLoader(store("s")).load(dir.resolve("missing.tar")))
        .hasMessageContaining("no such file");
  }

  @Test
  void aTamperedLayoutBlobIsRejected() throws Exception {
    var image = image(18, 1);
    Path layout = dir.resolve("layout");
    image.writeOciLayout(layout, Map.of("io.containerd.image.name", "docker.io/library/t:1"));
    for (SyntheticImage.Blob layer : image.layers()) {
      Path p = layout.resolve("blobs/sha256").resolve(layer.hex());
      byte[] b = Files.readAllBytes(p);
      b[b.length / 2] ^= 1;
      Files.write(p, b);
    }
    ImageStore store = store("s");
    assertThatThrownBy(() -> new ArchiveLoader(store).load(layout)).hasMessageContaining("digest mismatch");
    assertThat(store.list()).isEmpty();
  }

  // skopeo alone on its PATH, with no auth file or docker config of the machine's to find: local
  // archives only, so nothing else installed can change what it does
  private String skopeo(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("skopeo", "--insecure-policy"));
    command.addAll(List.of(args));
    dev.berth.testkit.Exec exec = dev.berth.testkit.Exec.command(command)
        .env("PATH", dev.berth.testkit.ToolPath.create(dir.resolve("skopeo-bin"), java.util.Map.of("skopeo", "skopeo")).path())
        .env("HOME", dir.toString()).env("DOCKER_CONFIG", null).env("REGISTRY_AUTH_FILE", null).env("XDG_RUNTIME_DIR", null);
    dev.berth.testkit.Exec.Result r = exec.run();
    assertThat(r.exitCode()).as("skopeo %s: %s%s", List.of(args), r.stdout(), r.stderr()).isZero();
    return r.stdout();
  }
}
