package dev.berth.client.archive;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Json;
import dev.berth.client.image.Manifest;
import dev.berth.client.store.DigestMismatchException;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredBlob;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code berth load}: imports a {@code docker save} tar, an OCI archive tar, or an OCI layout
 * directory into the store, naming images as {@code docker load} does: RepoTags, else the
 * {@code io.containerd.image.name} annotation, else {@code org.opencontainers.image.ref.name} when
 * that is a full reference. When a tar has both an OCI index and a manifest.json (docker 25+), the
 * OCI side wins so manifests keep their exact bytes and digests.
 */
public final class ArchiveLoader {
  private final ImageStore store;

  public ArchiveLoader(ImageStore store) {
    this.store = store;
  }

  public List<LoadedImage> load(Path input) throws IOException {
    if (Files.isDirectory(input)) {
      if (!Files.isRegularFile(input.resolve("oci-layout"))) {
        throw new StoreException("cannot load " + input + ": a directory must be an OCI image layout (no oci-layout file)");
      }
      try (Source source = new Source.Directory(input)) {
        return loadOci(source);
      }
    }
    if (!Files.isRegularFile(input)) {
      throw new StoreException("cannot load " + input + ": no such file");
    }
    if (GzipArchive.isGzip(input)) {
      // docker load accepts gzipped archives; random access needs a plain tar on disk, of what is needed only
      try (AtomicWrite plain = store.newTempFile()) {
        try (OutputStream out = plain.open()) {
          GzipArchive.expand(input, input.toString(), out);
        }
        return loadTar(plain.path(), input.toString());
      }
    }
    return loadTar(input, input.toString());
  }

  private List<LoadedImage> loadTar(Path tar, String name) throws IOException {
    try (Source source = new Source.Tar(tar, name)) {
      if (source.exists("oci-layout") && source.exists("index.json")) {
        return loadOci(source);
      }
      if (source.exists("manifest.json")) {
        return loadDockerSave(source);
      }
      throw new StoreException("cannot load " + name + ": neither a docker save archive (manifest.json) nor an OCI layout (oci-layout, index.json)");
    }
  }

  // ---- OCI layout ----

  private List<LoadedImage> loadOci(Source source) throws IOException {
    byte[] indexBytes = readSmall(source, "index.json");
    List<Object> dockerManifest = source.exists("manifest.json")
        ? Json.parseArray(readSmall(source, "manifest.json"), source.describe() + " manifest.json")
        : List.of();
    List<LoadedImage> loaded = new ArrayList<>();
    for (Object raw : Json.array(Json.parseObject(indexBytes, source.describe() + " index.json"), "manifests")) {
      Descriptor entry = Descriptor.fromJson(raw, source.describe() + " index.json");
      copyTree(source, entry);
      Descriptor target = entry.withAnnotations(Map.of());
      StoredImage image = store.resolveEntry(target).orElseThrow(() -> new StoreException(
          "cannot load " + entry.digest() + " from " + source.describe() + ": it has no manifest for any platform"));
      List<Reference> names = new ArrayList<>();
      Reference named = ociName(entry);
      if (named != null) {
        names.add(named);
      } else {
        names.addAll(repoTagsFor(dockerManifest, image.id()));
      }
      store.addImage(target, names);
      if (names.isEmpty()) {
        loaded.add(new LoadedImage(null, image));
      }
      for (Reference n : names) {
        loaded.add(new LoadedImage(n, image));
      }
    }
    return loaded;
  }

  private static Reference ociName(Descriptor entry) throws StoreException {
    String containerd = entry.annotation(Descriptor.CONTAINERD_NAME);
    if (containerd != null) {
      return parseName(containerd);
    }
    String refName = entry.annotation(Descriptor.REF_NAME);
    // a bare tag ("latest") names nothing; only a full reference does
    if (refName != null && refName.contains("/")) {
      try {
        return Reference.parse(refName);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private static List<Reference> repoTagsFor(List<Object> dockerManifest, Digest configDigest) throws IOException {
    List<Reference> names = new ArrayList<>();
    for (Object item : dockerManifest) {
      if (item instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        String config = Json.string(map, "Config");
        // docker 25+ writes blobs/sha256/<hex>; older docker <hex>.json
        boolean sameConfig = config != null
            && (config.endsWith(configDigest.encoded()) || config.endsWith(configDigest.encoded() + ".json"));
        if (sameConfig) {
          for (Object tag : Json.array(map, "RepoTags")) {
            if (tag instanceof String s) {
              names.add(parseName(s));
            }
          }
        }
      }
    }
    return names;
  }

  /** Copies an index/manifest and everything it needs; children absent from the source are skipped. */
  private void copyTree(Source source, Descriptor d) throws IOException {
    copyBlob(source, d);
    byte[] bytes = store.readSmallBlob(d.digest());
    if (MediaTypes.isIndex(d.mediaType())) {
      int copied = 0;
      for (Descriptor child : ImageIndex.parse(bytes, "index " + d.digest()).manifests()) {
        if (source.exists(blobPath(child.digest())) || store.hasBlob(child.digest())) {
          copyTree(source, child);
          copied++;
        }
      }
      if (copied == 0) {
        throw new StoreException("cannot load index " + d.digest() + " from " + source.describe() + ": none of its manifests are in it");
      }
      return;
    }
    Manifest manifest = Manifest.parse(bytes, d.mediaType(), "manifest " + d.digest());
    copyBlob(source, manifest.config());
    for (Descriptor layer : manifest.layers()) {
      copyBlob(source, layer);
    }
  }

  private void copyBlob(Source source, Descriptor d) throws IOException {
    if (store.hasBlob(d.digest())) {
      return;
    }
    String path = blobPath(d.digest());
    if (!source.exists(path)) {
      throw new StoreException("cannot load " + source.describe() + ": blob " + d.digest() + " is missing from it");
    }
    long size = source.size(path); // also refuses a link that leads out of the archive
    if (size != d.size()) {
      throw new StoreException("cannot load " + source.describe() + ": " + path + " has " + size
          + " bytes but its descriptor declares " + d.size());
    }
    try (InputStream in = source.open(path)) {
      store.putBlob(in, d.digest(), d.size());
    } catch (DigestMismatchException e) {
      throw new StoreException("cannot load " + source.describe() + ": " + path + ": " + e.getMessage());
    }
  }

  static String blobPath(Digest digest) {
    return "blobs/" + digest.algorithm() + "/" + digest.encoded();
  }

  // ---- docker save ----

  private List<LoadedImage> loadDockerSave(Source source) throws IOException {
    List<LoadedImage> loaded = new ArrayList<>();
    for (Object item : Json.parseArray(readSmall(source, "manifest.json"), source.describe() + " manifest.json")) {
      if (!(item instanceof Map<?, ?> m)) {
        throw new StoreException("invalid manifest.json in " + source.describe() + ": entries must be objects");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> entry = (Map<String, Object>) m;
      String configPath = Json.string(entry, "Config");
      if (configPath == null) {
        throw new StoreException("invalid manifest.json in " + source.describe() + ": an entry has no Config");
      }
      StoredBlob config = putFrom(source, configPath);
      List<Descriptor> layers = new ArrayList<>();
      for (Object layerPath : Json.array(entry, "Layers")) {
        if (!(layerPath instanceof String p)) {
          throw new StoreException("invalid manifest.json in " + source.describe() + ": Layers must be paths");
        }
        StoredBlob layer = putFrom(source, p);
        layers.add(new Descriptor(layerMediaType(layer.digest()), layer.digest(), layer.size()));
      }
      byte[] manifest = Manifest.buildOci(new Descriptor(MediaTypes.OCI_CONFIG, config.digest(), config.size()), layers);
      StoredBlob stored = store.putBlob(manifest);
      Descriptor target = new Descriptor(MediaTypes.OCI_MANIFEST, stored.digest(), stored.size());
      List<Reference> names = new ArrayList<>();
      for (Object tag : Json.array(entry, "RepoTags")) {
        if (tag instanceof String s) {
          names.add(parseName(s));
        }
      }
      store.addImage(target, names);
      StoredImage image = store.resolveEntry(target).orElseThrow();
      if (names.isEmpty()) {
        loaded.add(new LoadedImage(null, image));
      }
      for (Reference n : names) {
        loaded.add(new LoadedImage(n, image));
      }
    }
    return loaded;
  }

  private StoredBlob putFrom(Source source, String path) throws IOException {
    if (!source.exists(path)) {
      throw new StoreException("cannot load " + source.describe() + ": manifest.json names " + path + ", which is not in the archive");
    }
    long size = source.size(path); // also refuses a link that leads out of the archive
    try (InputStream in = source.open(path)) {
      return store.putBlob(in, null, size);
    }
  }

  /** docker-save layers are kept as they are: plain tar, or compressed as their magic says. */
  private String layerMediaType(Digest digest) throws IOException {
    byte[] magic = new byte[4];
    int n;
    try (InputStream in = store.openBlob(digest)) {
      n = in.readNBytes(magic, 0, 4);
    }
    if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return MediaTypes.OCI_LAYER_GZIP;
    }
    if (n == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return MediaTypes.OCI_LAYER_ZSTD;
    }
    return MediaTypes.OCI_LAYER;
  }

  private static Reference parseName(String text) throws StoreException {
    try {
      Reference ref = Reference.parse(text);
      if (ref.tag() == null) {
        throw new StoreException("invalid image name in archive: " + text + " (a tag is required)");
      }
      return ref;
    } catch (IllegalArgumentException e) {
      throw new StoreException("invalid image name in archive: " + e.getMessage());
    }
  }

  private static byte[] readSmall(Source source, String path) throws IOException {
    try (InputStream in = source.open(path)) {
      byte[] bytes = in.readNBytes(16 * 1024 * 1024 + 1);
      if (bytes.length > 16 * 1024 * 1024) {
        throw new StoreException(source.describe() + ": " + path + " is too large");
      }
      return bytes;
    }
  }

}
