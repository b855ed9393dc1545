package dev.berth.testkit;

import dev.berth.testkit.SyntheticImage.Blob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-platform image: an OCI image index over {@link SyntheticImage}s, one per platform, each
 * descriptor carrying its {@code platform}. Writable as an OCI layout (or archive) whose
 * {@code index.json} names the index, as {@code skopeo copy --all} and docker expect.
 *
 * <pre>{@code
 * SyntheticIndex index = SyntheticIndex.of("example.test/app:1",
 *     SyntheticImage.builder().seed(1).platform("linux", "amd64").build(),
 *     SyntheticImage.builder().seed(2).platform("linux", "arm64").build());
 * }</pre>
 */
public final class SyntheticIndex {

  private final String repoTag;
  private final List<SyntheticImage> images;
  private final Blob index;

  private SyntheticIndex(String repoTag, List<SyntheticImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an index needs at least one image");
    }
    this.repoTag = repoTag;
    this.images = List.copyOf(images);
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (SyntheticImage image : images) {
      Map<String, Object> descriptor = image.manifest().descriptor();
      Map<String, Object> platform = new LinkedHashMap<>();
      platform.put("architecture", image.architecture());
      platform.put("os", image.os());
      descriptor.put("platform", platform);
      manifests.add(descriptor);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", SyntheticImage.OCI_INDEX);
    body.put("manifests", manifests);
    this.index = new Blob(SyntheticImage.OCI_INDEX, SyntheticImage.json(body));
  }

  /** An index over {@code images}; {@code repoTag} (may be null) names it in layouts. */
  public static SyntheticIndex of(String repoTag, SyntheticImage... images) {
    return new SyntheticIndex(repoTag, List.of(images));
  }

  /** The index document (media type {@value SyntheticImage#OCI_INDEX}). */
  public Blob index() {
    return index;
  }

  public List<SyntheticImage> images() {
    return images;
  }

  /** Writes every blob, every manifest and the index as an OCI layout in {@code dir}. */
  public Path writeOciLayout(Path dir) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.write(dir.resolve("oci-layout"), SyntheticImage.ociLayoutFile());
      for (Blob blob : allBlobs()) {
        Files.write(dir.resolve("blobs/sha256/" + blob.hex()), blob.content());
      }
      Files.write(dir.resolve("index.json"), SyntheticImage.layoutIndex(index, repoTag));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write OCI layout to " + dir, e);
    }
  }

  /** The same layout as one tar ({@code oci-archive:FILE}). */
  public Path writeOciArchive(Path tarFile) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("oci-layout", SyntheticImage.ociLayoutFile());
    entries.put("index.json", SyntheticImage.layoutIndex(index, repoTag));
    for (Blob blob : allBlobs()) {
      entries.put("blobs/sha256/" + blob.hex(), blob.content());
    }
    return SyntheticImage.writeTarFile(tarFile, entries);
  }

  private List<Blob> allBlobs() {
    List<Blob> all = new ArrayList<>();
    for (SyntheticImage image : images) {
      all.addAll(image.blobs());
      all.add(image.manifest());
    }
    all.add(index);
    return all;
  }
}
