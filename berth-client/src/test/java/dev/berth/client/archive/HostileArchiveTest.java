package dev.berth.client.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Json;
import dev.berth.client.image.Manifest;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.testkit.SyntheticImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives built to mislead: links where files should be, links out of a layout, members larger
 * than their descriptors, and a small gzip that expands to a lot. Refused in one line, with
 * nothing left in the store and nothing read from outside what is loaded.
 */
class HostileArchiveTest {
  @TempDir Path dir;

  private static final SyntheticImage IMAGE = SyntheticImage.builder().seed(77).layerSizes(3000).build();

  private record Member(String name, byte[] content, String link, byte type) {
    static Member file(String name, byte[] content) {
      return new Member(name, content, null, TarConstants.LF_NORMAL);
    }

    static Member symlink(String name, String target) {
      return new Member(name, new byte[0], target, TarConstants.LF_SYMLINK);
    }

    static Member hardlink(String name, String target) {
      return new Member(name, new byte[0], target, TarConstants.LF_LINK);
    }
  }

  private static byte[] tarBytes(Member... members) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Member m : members) {
        TarArchiveEntry e = new TarArchiveEntry(m.name(), m.type());
        if (m.link() != null) {
          e.setLinkName(m.link());
        } else {
          e.setSize(m.content().length);
        }
        tar.putArchiveEntry(e);
        tar.write(m.content());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private Path tar(String name, Member... members) throws IOException {
    return Files.write(dir.resolve(name), tarBytes(members));
  }

  private ImageStore store() throws IOException {
    return ImageStore.open(Files.createTempDirectory(dir, "store"));
  }

  /** Nothing named, nothing half-written in the store's scratch space. */
  private static void assertNothingLoaded(ImageStore store) throws IOException {
    assertThat(store.list()).isEmpty();
    Path tmp = store.root().resolve(".tmp");
    if (Files.exists(tmp)) {
      try (Stream<Path> left = Files.list(tmp)) {
        assertThat(left).isEmpty();
      }
    }
  }

  private static byte[] dockerManifest(String config, String... layers) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("Config", config);
    entry.put("RepoTags", List.of("hostile:1"));
    entry.put("Layers", List.of(layers));
    return Json.write(List.of(entry));
  }

  private static byte[] config() {
    return IMAGE.config().content();
  }

  private static byte[] layer() {
    return IMAGE.layerTars().getFirst().content();
  }

  @Test
  void aLayerThatIsASymlinkOutOfTheArchiveIsRefused() throws Exception {
    Path archive = tar("evil.tar",
        Member.file("manifest.json", dockerManifest("config.json", "evil/layer.tar")),
        Member.file("config.json", config()),
        Member.symlink("evil/layer.tar", "../../../../etc/passwd"));
    ImageStore store = store();
    assertThatThrownBy(() -> new ArchiveLoader(store).load(archive))
        .hasMessage("cannot load " + archive + ": evil/layer.tar is a symbolic link to ../../../../etc/passwd, outside the archive");
    assertNothingLoaded(store);

    Path absolute = tar("abs.tar",
        Member.file("manifest.json", dockerManifest("config.json", "layer.tar")),
        Member.file("config.json", config()),
        Member.symlink("layer.tar", "/etc/passwd"));
    assertThatThrownBy(() -> new ArchiveLoader(store).load(absolute))
        .hasMessage("cannot load " + absolute + ": layer.tar is a symbolic link to /etc/passwd, outside the archive");
  }

  @Test
  void aConfigThatIsAHardLinkIsRefused() throws Exception {
    Path archive = tar("hard.tar",
        Member.file("manifest.json", dockerManifest("config.json", "layer.tar")),
        Member.hardlink("config.json", "etc/shadow"),
        Member.file("layer.tar", layer()));
    ImageStore store = store();
    assertThatThrownBy(() -> new ArchiveLoader(store).load(archive))
        .hasMessage("cannot load " + archive + ": config.json is a hard link (to etc/shadow); only regular files are loaded");
    assertNothingLoaded(store);
  }

  @Test
  void aSymlinkToAnotherMemberIsReadAsThatMemberAsDockersLegacySaveWritesThem() throws Exception {
    // docker save (before 25) links a layer repeated in an image to its first copy
    Path archive = tar("legacy.tar",
        Member.file("manifest.json", dockerManifest("config.json", "a/layer.tar", "b/layer.tar")),
        Member.file("config.json", config()),
        Member.file("a/layer.tar", layer()),
        Member.symlink("b/layer.tar", "../a/layer.tar"));
    ImageStore store = store();
    new ArchiveLoader(store).load(archive);
    StoredImage image = store.resolve("hostile:1");
    Digest layer = Digest.sha256(layer());
    assertThat(image.manifest().layers()).extracting(Descriptor::digest).containsExactly(layer, layer);
    assertThat(store.blobSize(layer)).isEqualTo(layer().length);

    Path dangling = tar("dangling.tar",
        Member.file("manifest.json", dockerManifest("config.json", "b/layer.tar")),
        Member.file("config.json", config()),
        Member.symlink("b/layer.tar", "../a/layer.tar"));
    assertThatThrownBy(() -> new ArchiveLoader(store()).load(dangling))
        .hasMessage("cannot load " + dangling + ": b/layer.tar is a symbolic link to ../a/layer.tar, which is not in the archive");
  }

  /** An OCI image layout (index.json, one manifest) whose layer descriptor says {@code declaredSize}. */
  private static Map<String, byte[]> ociLayout(byte[] layerContent, long declaredSize) {
    Digest configDigest = Digest.sha256(config());
    Digest layerDigest = Digest.sha256(layerContent);
    byte[] manifest = Manifest.buildOci(new Descriptor(MediaTypes.OCI_CONFIG, configDigest, config().length),
        List.of(new Descriptor(MediaTypes.OCI_LAYER, layerDigest, declaredSize)));
    Digest manifestDigest = Digest.sha256(manifest);
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("manifests", List.of(new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifest.length,
        Map.of(Descriptor.CONTAINERD_NAME, "docker.io/library/hostile:1"), null).toJson()));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("blobs/sha256/" + layerDigest.encoded(), layerContent);
    files.put("blobs/sha256/" + configDigest.encoded(), config());
    files.put("blobs/sha256/" + manifestDigest.encoded(), manifest);
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    files.put("index.json", Json.write(index));
    return files;
  }

  private static Member[] members(Map<String, byte[]> files) {
    return files.entrySet().stream().map(e -> Member.file(e.getKey(), e.getValue())).toArray(Member[]::new);
  }

  @Test
  void aLayoutBlobThatLinksOutOfTheLayoutIsNotRead() throws Exception {
    Path layout = dir.resolve("layout");
    ociLayout(layer(), layer().length).forEach((name, content) -> write(layout.resolve(name), content));
    // the layer is replaced by a link to a file of the same content outside the layout
    Path outside = Files.write(dir.resolve("outside"), layer());
    Path blob = layout.resolve("blobs/sha256/" + Digest.sha256(layer()).encoded());
    Files.delete(blob);
    Files.createSymbolicLink(blob, outside);
    ImageStore store = store();
    assertThatThrownBy(() -> new ArchiveLoader(store).load(layout))
        .hasMessage("cannot load " + layout + ": blobs/sha256/" + Digest.sha256(layer()).encoded() + " links to "
            + outside.toRealPath() + ", outside the layout");
    assertNothingLoaded(store);
  }

  @Test
  void aMemberLargerThanItsDescriptorIsRefusedBeforeItIsCopied() throws Exception {
    Path archive = tar("big.tar", members(ociLayout(layer(), 100)));
    ImageStore store = store();
    assertThatThrownBy(() -> new ArchiveLoader(store).load(archive))
        .hasMessage("cannot load " + archive + ": blobs/sha256/" + Digest.sha256(layer()).encoded() + " has "
            + layer().length + " bytes but its descriptor declares 100");
    assertNothingLoaded(store);
  }

  @Test
  void aFractionalSizeIsNotADescriptor() throws Exception {
    Map<String, byte[]> files = ociLayout(layer(), layer().length);
    Path layout = dir.resolve("layout");
    files.forEach((name, content) -> write(layout.resolve(name), content));
    String index = new String(files.get("index.json"), StandardCharsets.UTF_8).replaceFirst("\"size\":(\\d+)", "\"size\":$1.5");
    Files.writeString(layout.resolve("index.json"), index);
    assertThatThrownBy(() -> new ArchiveLoader(store()).load(layout))
        .hasMessageMatching("invalid descriptor in " + java.util.regex.Pattern.quote(layout.toString())
            + " index.json: size must be a non-negative integer, not \\d+\\.5");
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  /** Counts what is written, to prove how little an expansion wrote. */
  private static final class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  @Test
  void aGzippedArchiveExpandsOnlyToWhatItsMetadataNeeds() throws Exception {
    byte[] zeros = new byte[8 * 1024 * 1024];
    // a valid image, plus 8 MiB of zeros nothing refers to: the plain tar holds only the image
    Map<String, byte[]> files = ociLayout(layer(), layer().length);
    Member[] image = members(files);
    Member[] withJunk = Stream.concat(Stream.of(Member.file("junk", zeros)), Stream.of(image)).toArray(Member[]::new);
    Path gz = Files.write(dir.resolve("junk.tar.gz"), gzip(tarBytes(withJunk)));
    assertThat(Files.size(gz)).isLessThan(1024 * 1024);
    Counting plain = new Counting();
    GzipArchive.expand(gz, gz.toString(), plain);
    assertThat(plain.count).isLessThan(64 * 1024);
    assertThat(new ArchiveLoader(store()).load(gz)).extracting(LoadedImage::message).containsExactly("Loaded image: hostile:1");

    // the 8 MiB as a layer that claims 100 bytes: refused before any of it is written
    Path bomb = Files.write(dir.resolve("bomb.tar.gz"), gzip(tarBytes(members(ociLayout(zeros, 100)))));
    Counting none = new Counting();
    assertThatThrownBy(() -> GzipArchive.expand(bomb, bomb.toString(), none))
        .hasMessage("cannot load " + bomb + ": blobs/sha256/" + Digest.sha256(zeros).encoded()
            + " has 8388608 bytes but its descriptor declares 100");
    assertThat(none.count).isLessThan(64 * 1024);
    ImageStore store = store();
    assertThatThrownBy(() -> new ArchiveLoader(store).load(bomb)).hasMessageContaining("declares 100");
    assertNothingLoaded(store);
  }

  private static void write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
