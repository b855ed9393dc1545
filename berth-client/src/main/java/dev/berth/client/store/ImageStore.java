package dev.berth.client.store;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Json;
import dev.berth.client.image.Manifest;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The local image store, an OCI image layout (so skopeo's {@code oci:DIR} can read it too):
 *
 * <pre>
 * images/
 *   oci-layout                {"imageLayoutVersion":"1.0.0"}
 *   index.json                one entry per name; annotation org.opencontainers.image.ref.name =
 *                             docker.io/library/x:tag (canonical); no annotation = dangling image
 *   blobs/sha256/&lt;hex&gt;        manifests, indexes, configs, layers; written once, verified
 *   .tmp/                     blobs being written (a crash leaves only garbage here)
 *   .lock                     serialises index.json read-modify-write across processes
 * </pre>
 *
 * Blobs become visible only after their digest was checked and the file fsynced and renamed;
 * index.json is rewritten atomically under the lock, and only after the blobs it names exist.
 */
public final class ImageStore {
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();
  private static final long MAX_JSON = 16 * 1024 * 1024;

  private final Path root;

  private ImageStore(Path root) {
    this.root = root;
  }

  /** Opens (creating when missing) the layout at {@code root}. */
  public static ImageStore open(Path root) throws IOException {
    ImageStore store = new ImageStore(root);
    AtomicWrite.createDirectories(root.resolve("blobs/sha256"));
    Path layout = root.resolve("oci-layout");
    if (!Files.exists(layout)) {
      AtomicWrite.write(layout, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    }
    if (!Files.exists(root.resolve("index.json"))) {
      store.writeIndex(List.of());
    }
    return store;
  }

  public Path root() {
    return root;
  }

  // ---- blobs ----

  public Path blobPath(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.encoded());
  }

  /**
   * A new, empty file in the store's scratch directory ({@code .tmp/}): a blob whose digest is
   * known once it is written ({@link AtomicWrite#commit} then moves it into place), or scratch
   * space. Gone when closed, unless committed.
   */
  public AtomicWrite newTempFile() throws IOException {
    Path dir = root.resolve(".tmp");
    AtomicWrite.createDirectories(dir);
    return AtomicWrite.in(dir);
  }

  public boolean hasBlob(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  public long blobSize(Digest digest) throws IOException {
    return Files.size(blobPath(digest));
  }

  public InputStream openBlob(Digest digest) throws IOException {
    try {
      return Files.newInputStream(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new StoreException("blob " + digest + " is missing from the image store");
    }
  }

  /** Reads a small JSON blob (manifest, index, config), refusing absurd sizes. */
  public byte[] readSmallBlob(Digest digest) throws IOException {
    Path path = blobPath(digest);
    long size;
    try {
      size = Files.size(path);
    } catch (NoSuchFileException e) {
      throw new StoreException("blob " + digest + " is missing from the image store");
    }
    if (size > MAX_JSON) {
      throw new StoreException("blob " + digest + " is too large for a manifest or config (" + size + " bytes)");
    }
    return Files.readAllBytes(path);
  }

  /**
   * Streams {@code in} into the store, hashing as it goes. With an {@code expected} digest a
   * mismatch (or a size differing from {@code expectedSize} when that is not negative) is rejected
   * and leaves nothing behind; a stream longer than {@code expectedSize} is refused as soon as it
   * says so, without writing a byte past that size.
   */
  public StoredBlob putBlob(InputStream in, Digest expected, long expectedSize) throws IOException {
    MessageDigest hasher = expected != null ? expected.newHasher() : Digest.newSha256();
    String algorithm = expected != null ? expected.algorithm() : "sha256";
    long size = 0;
    try (AtomicWrite pending = newTempFile()) {
      try (OutputStream out = pending.open()) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (expectedSize >= 0 && size + n > expectedSize) {
            throw new DigestMismatchException("the content is larger than the expected " + expectedSize + " bytes");
          }
          hasher.update(buffer, 0, n);
          out.write(buffer, 0, n);
          size += n;
        }
      }
      Digest actual = Digest.fromHash(algorithm, hasher.digest());
      if (expected != null && !expected.equals(actual)) {
        throw new DigestMismatchException(expected, actual);
      }
      if (expectedSize >= 0 && expectedSize != size) {
        throw new DigestMismatchException("blob " + actual + " has " + size + " bytes, expected " + expectedSize);
      }
      Path target = blobPath(actual);
      if (!Files.exists(target)) {
        AtomicWrite.createDirectories(target.getParent());
        pending.commit(target);
      }
      return new StoredBlob(actual, size);
    }
  }

  /**
   * A writer for a blob that arrives in pieces (a download that may break and resume): hashed as
   * written, visible only once {@link BlobWriter#commit() committed} with the right digest and size.
   */
  public BlobWriter newBlobWriter(Digest expected, long expectedSize) throws IOException {
    return new BlobWriter(this, expected, expectedSize, false);
  }

  /**
   * As {@link #newBlobWriter(Digest, long)}, for a blob of this media type: a gzip layer is also
   * measured unpacked as it is written, and the size kept for {@link UnpackedSizes}.
   */
  public BlobWriter newBlobWriter(Digest expected, long expectedSize, String mediaType) throws IOException {
    return new BlobWriter(this, expected, expectedSize, UnpackedSizes.isGzip(mediaType));
  }

  public StoredBlob putBlob(byte[] content) throws IOException {
    return putBlob(new java.io.ByteArrayInputStream(content), Digest.sha256(content), content.length);
  }

  // ---- images ----

  /** All index.json entries that resolve to a locally present manifest, in index order. */
  public List<StoredImage> list() throws IOException {
    List<StoredImage> images = new ArrayList<>();
    for (Descriptor entry : readIndex()) {
      resolveEntry(entry).ifPresent(images::add);
    }
    return images;
  }

  /**
   * Finds an image as docker does: by name first (normalised: {@code x} is
   * {@code docker.io/library/x:latest}), else by image-id prefix ({@code sha256:} optional).
   */
  public StoredImage resolve(String text) throws IOException {
    Reference ref = null;
    IllegalArgumentException refError = null;
    try {
      ref = Reference.parse(text);
    } catch (IllegalArgumentException e) {
      refError = e;
    }
    List<StoredImage> all = list();
    if (ref != null) {
      for (StoredImage image : all) {
        if (image.name() != null && matches(image, ref)) {
          return image;
        }
      }
    }
    String hex = text.startsWith("sha256:") ? text.substring(7) : text;
    if (hex.matches("[a-f0-9]{1,64}")) {
      Set<Digest> ids = new HashSet<>();
      StoredImage found = null;
      for (StoredImage image : all) {
        if (image.id().encoded().startsWith(hex)) {
          ids.add(image.id());
          found = found == null ? image : found;
        }
      }
      if (ids.size() > 1) {
        throw new StoreException("image ID prefix " + text + " is ambiguous: it matches " + ids.size() + " images");
      }
      if (found != null) {
        return found;
      }
    }
    if (ref == null) {
      throw new StoreException(refError.getMessage());
    }
    throw new StoreException("No such image: " + ref.familiar());
  }

  private static boolean matches(StoredImage image, Reference ref) {
    Reference name = image.name();
    if (!name.repository().equals(ref.repository())) {
      return false;
    }
    if (ref.digest() != null) {
      return ref.digest().equals(image.target().digest())
          && (ref.tag() == null || ref.tag().equals(name.tag()));
    }
    return ref.tag().equals(name.tag());
  }

  /** All names pointing at the same image (same index.json target). */
  public List<StoredImage> namesOf(Digest target) throws IOException {
    List<StoredImage> result = new ArrayList<>();
    for (StoredImage image : list()) {
      if (image.target().digest().equals(target) && image.name() != null) {
        result.add(image);
      }
    }
    return result;
  }

  /**
   * Points each name at {@code target} (its blobs must already be stored). A name that pointed
   * elsewhere moves; the image it left keeps an unnamed entry when nothing else names it, as
   * docker leaves a dangling {@code <none>} image. No names: an unnamed entry, once.
   */
  public void addImage(Descriptor target, List<Reference> names) throws IOException {
    resolveEntry(target).orElseThrow(() -> new StoreException(
        "cannot add image " + target.digest() + ": its manifest or config is missing from the store"));
    withLock(() -> {
      // under the lock garbage collection cannot run, so what is complete now stays complete
      requireComplete(target);
      List<Descriptor> entries = new ArrayList<>(readIndex());
      Descriptor bare = target.withAnnotations(Map.of());
      if (names.isEmpty()) {
        if (entries.stream().noneMatch(e -> e.digest().equals(target.digest()))) {
          entries.add(bare);
        }
      }
      for (Reference name : names) {
        if (name.tag() == null) {
          throw new StoreException("refusing to name an image without a tag: " + name.canonical());
        }
        String key = name.withTag(name.tag()).canonical();
        List<Descriptor> left = new ArrayList<>();
        entries.removeIf(e -> {
          boolean same = key.equals(e.annotation(Descriptor.REF_NAME));
          if (same) {
            left.add(e);
          }
          return same;
        });
        // a named entry replaces an unnamed one for the same image
        entries.removeIf(e -> e.digest().equals(target.digest()) && e.annotation(Descriptor.REF_NAME) == null);
        entries.add(bare.withAnnotations(Map.of(Descriptor.REF_NAME, key)));
        for (Descriptor old : left) {
          if (entries.stream().noneMatch(e -> e.digest().equals(old.digest()))) {
            entries.add(old.withAnnotations(Map.of()));
          }
        }
      }
      writeIndex(entries);
      return null;
    });
  }

  /**
   * Removes an image's entry: the named one, or (name null) every unnamed entry of that target.
   * Returns whether the target is now unreferenced (its blobs then go with {@link #collectGarbage}).
   */
  public boolean removeEntry(StoredImage image) throws IOException {
    return withLock(() -> {
      List<Descriptor> entries = new ArrayList<>(readIndex());
      String key = image.name() == null ? null : image.name().canonical();
      entries.removeIf(e -> e.digest().equals(image.target().digest())
          && java.util.Objects.equals(key, e.annotation(Descriptor.REF_NAME)));
      writeIndex(entries);
      return entries.stream().noneMatch(e -> e.digest().equals(image.target().digest()));
    });
  }

  /** Deletes every blob no index.json entry reaches; returns what was deleted. */
  public List<Digest> collectGarbage() throws IOException {
    return withLock(() -> {
      Set<Digest> live = new HashSet<>();
      for (Descriptor entry : readIndex()) {
        markReachable(entry, live);
      }
      List<Digest> deleted = new ArrayList<>();
      try (Stream<Path> files = Files.list(root.resolve("blobs/sha256"))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String name = file.getFileName().toString();
          if (!Digest.isValid("sha256:" + name)) {
            continue;
          }
          Digest d = Digest.parse("sha256:" + name);
          if (!live.contains(d)) {
            Files.deleteIfExists(file);
            deleted.add(d);
          }
        }
      }
      return deleted;
    });
  }

  /**
   * Refuses to name an image whose blobs are not all here (a concurrent {@code rmi} may have
   * collected a layer a pull counted on): for an index, every child present must be complete.
   */
  private void requireComplete(Descriptor target) throws IOException {
    List<Descriptor> manifests = new ArrayList<>();
    if (MediaTypes.isIndex(target.mediaType())) {
      for (Descriptor child : ImageIndex.parse(readSmallBlob(target.digest()), "index " + target.digest()).manifests()) {
        if (hasBlob(child.digest()) && !MediaTypes.isIndex(child.mediaType())) {
          manifests.add(child);
        }
      }
    } else {
      manifests.add(target);
    }
    for (Descriptor m : manifests) {
      Manifest manifest = Manifest.parse(readSmallBlob(m.digest()), m.mediaType(), "manifest " + m.digest());
      List<Descriptor> blobs = new ArrayList<>(manifest.layers());
      blobs.add(manifest.config());
      for (Descriptor blob : blobs) {
        if (!hasBlob(blob.digest())) {
          throw new StoreException("cannot name image " + target.digest() + ": blob " + blob.digest()
              + " is missing from the store (removed meanwhile?); try again");
        }
      }
    }
  }

  /**
   * Whether everything {@code d} names is here: for an index every platform's manifest, config
   * and layers; for a manifest its config and layers. Only a complete image may be pushed or
   * saved as what it names.
   */
  public boolean isComplete(Descriptor d) throws IOException {
    return isComplete(d, 0);
  }

  private boolean isComplete(Descriptor d, int depth) throws IOException {
    if (!hasBlob(d.digest()) || depth > 4) {
      return false;
    }
    if (MediaTypes.isIndex(d.mediaType())) {
      for (Descriptor child : ImageIndex.parse(readSmallBlob(d.digest()), "index " + d.digest()).manifests()) {
        if (!isComplete(child, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    Manifest m = Manifest.parse(readSmallBlob(d.digest()), d.mediaType(), "manifest " + d.digest());
    if (!hasBlob(m.config().digest())) {
      return false;
    }
    for (Descriptor layer : m.layers()) {
      if (!hasBlob(layer.digest())) {
        return false;
      }
    }
    return true;
  }

  /** Manifests, configs and layers reachable from {@code d} and present locally. */
  public void markReachable(Descriptor d, Set<Digest> live) throws IOException {
    if (!live.add(d.digest()) || !hasBlob(d.digest())) {
      return;
    }
    if (MediaTypes.isIndex(d.mediaType())) {
      for (Descriptor child : ImageIndex.parse(readSmallBlob(d.digest()), "index " + d.digest()).manifests()) {
        markReachable(child, live);
      }
    } else if (MediaTypes.MANIFESTS.contains(d.mediaType())) {
      Manifest m = Manifest.parse(readSmallBlob(d.digest()), d.mediaType(), "manifest " + d.digest());
      live.add(m.config().digest());
      m.layers().forEach(l -> live.add(l.digest()));
    }
  }

  /** Reads a stored entry: for an index, the preferred platform among the children present. */
  public Optional<StoredImage> resolveEntry(Descriptor entry) throws IOException {
    if (!hasBlob(entry.digest())) {
      return Optional.empty();
    }
    Descriptor manifestDescriptor = entry;
    if (MediaTypes.isIndex(entry.mediaType())) {
      ImageIndex index = ImageIndex.parse(readSmallBlob(entry.digest()), "index " + entry.digest());
      Optional<Descriptor> child = index.choosePresent(c -> hasBlob(c.digest()) && !MediaTypes.isIndex(c.mediaType()));
      if (child.isEmpty()) {
        return Optional.empty();
      }
      manifestDescriptor = child.get();
    }
    Manifest manifest = Manifest.parse(readSmallBlob(manifestDescriptor.digest()), manifestDescriptor.mediaType(),
        "manifest " + manifestDescriptor.digest());
    if (!hasBlob(manifest.config().digest())) {
      return Optional.empty();
    }
    String refName = entry.annotation(Descriptor.REF_NAME);
    Reference name = null;
    if (refName != null) {
      try {
        name = Reference.parse(refName);
      } catch (IllegalArgumentException e) {
        name = null; // a foreign layout's short ref.name such as "latest": shown as <none>
      }
    }
    return Optional.of(new StoredImage(name, entry, manifestDescriptor, manifest));
  }

  // ---- index.json ----

  public List<Descriptor> readIndex() throws IOException {
    byte[] bytes = Files.readAllBytes(root.resolve("index.json"));
    List<Descriptor> entries = new ArrayList<>();
    for (Object m : Json.array(Json.parseObject(bytes, root.resolve("index.json").toString()), "manifests")) {
      entries.add(Descriptor.fromJson(m, "index.json"));
    }
    return entries;
  }

  private void writeIndex(List<Descriptor> entries) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("schemaVersion", 2);
    json.put("mediaType", MediaTypes.OCI_INDEX);
    List<Object> manifests = new ArrayList<>();
    entries.forEach(e -> manifests.add(e.toJson()));
    json.put("manifests", manifests);
    AtomicWrite.write(root.resolve("index.json"), Json.write(json));
  }

  interface Locked<T> {
    T run() throws IOException;
  }

  /** Serialises index.json updates within this JVM and across berth processes. */
  private <T> T withLock(Locked<T> action) throws IOException {
    IN_PROCESS.lock();
    try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      return action.run();
    } finally {
      IN_PROCESS.unlock();
    }
  }
}
