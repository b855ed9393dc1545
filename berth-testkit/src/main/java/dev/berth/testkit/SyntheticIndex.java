package dev.berth.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-platform image: an OCI image index over several {@link SyntheticImage}s, each entry
 * carrying its image's platform, in the order given (put the platform a client should pick
 * somewhere other than first, so that picking it is a real choice).
 *
 * <pre>{@code
 * SyntheticIndex index = SyntheticIndex.of(
 *     SyntheticImage.builder().seed(1).platform("linux", "arm64", "v8").build(),
 *     SyntheticImage.builder().seed(2).platform("linux", "amd64").build());
 * index.writeOciLayout(dir, Map.of("org.opencontainers.image.ref.name", "v1"));
 * }</pre>
 */
public final class SyntheticIndex {

  /** Docker's manifest list, the index's older sibling. */
  public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

  private final List<SyntheticImage> images;
  private final SyntheticImage.Blob index;
  private final SyntheticImage.Blob dockerManifestList;

  private SyntheticIndex(List<SyntheticImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an index needs at least one image");
    }
    this.images = List.copyOf(images);
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (SyntheticImage image : images) {
      Map<String, Object> descriptor = image.manifest().descriptor();
      descriptor.put("platform", image.platform());
      manifests.add(descriptor);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", SyntheticImage.OCI_INDEX);
    body.put("manifests", manifests);
    this.index = new SyntheticImage.Blob(SyntheticImage.OCI_INDEX, SyntheticImage.json(body));
    List<Map<String, Object>> dockerManifests = new ArrayList<>();
    for (SyntheticImage image : images) {
      Map<String, Object> descriptor = image.dockerManifest().descriptor();
      descriptor.put("platform", image.platform());
      dockerManifests.add(descriptor);
    }
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("schemaVersion", 2);
    list.put("mediaType", DOCKER_MANIFEST_LIST);
    list.put("manifests", dockerManifests);
    this.dockerManifestList = new SyntheticImage.Blob(DOCKER_MANIFEST_LIST, SyntheticImage.json(list));
  }

  /**
   * The same images as docker's manifest list (media type {@value #DOCKER_MANIFEST_LIST}), each
   * entry naming the image's Docker v2 manifest ({@link SyntheticImage#dockerManifest()}).
   */
  public SyntheticImage.Blob dockerManifestList() {
    return dockerManifestList;
  }

  public static SyntheticIndex of(SyntheticImage... images) {
    return new SyntheticIndex(List.of(images));
  }

  public static SyntheticIndex of(List<SyntheticImage> images) {
    return new SyntheticIndex(images);
  }

  /** The images, in index order. */
  public List<SyntheticImage> images() {
    return images;
  }

  /** The OCI image index (media type {@value SyntheticImage#OCI_INDEX}). */
  public SyntheticImage.Blob index() {
    return index;
  }

  /** Writes an OCI layout whose index.json names this index, carrying exactly {@code annotations}. */
  public Path writeOciLayout(Path dir, Map<String, String> annotations) {
    return SyntheticImage.writeLayout(dir, blobs(), SyntheticImage.annotated(index.descriptor(), annotations));
  }

  /** The same layout as one tar (what {@code skopeo copy ... oci-archive:FILE} reads). */
  public Path writeOciArchive(Path tarFile, Map<String, String> annotations) {
    return SyntheticImage.writeLayoutArchive(tarFile, blobs(),
        SyntheticImage.annotated(index.descriptor(), annotations));
  }

  private List<SyntheticImage.Blob> blobs() {
    List<SyntheticImage.Blob> all = new ArrayList<>();
    for (SyntheticImage image : images) {
      all.addAll(image.allOciBlobs());
    }
    all.add(index);
    return all;
  }
}
