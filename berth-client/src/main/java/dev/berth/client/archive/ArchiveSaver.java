package dev.berth.client.archive;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Json;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code berth save}: one tar that both loaders understand, as docker 25+ writes it: an OCI image
 * layout ({@code oci-layout}, {@code index.json} with {@code io.containerd.image.name} and a tag
 * {@code org.opencontainers.image.ref.name}, {@code blobs/sha256/...}) plus a docker
 * {@code manifest.json} whose Config and Layers point into the same blobs. Blobs are copied from
 * the store straight into the tar stream.
 *
 * <p>An archive is complete for what it names: a multi-platform image pulled whole is saved as
 * its index with every platform; one pulled for a single platform is saved as that platform's
 * manifest (its index cannot be, its other platforms are not here), and {@code warnings} hears
 * that it is so.
 */
public final class ArchiveSaver {
  private final ImageStore store;
  private final Consumer<String> warnings;

  public ArchiveSaver(ImageStore store) {
    this(store, w -> { });
  }

  public ArchiveSaver(ImageStore store, Consumer<String> warnings) {
    this.store = store;
    this.warnings = warnings;
  }

  /** An image to save and the name to record for it (null: save it unnamed, as by ID). */
  public record Item(StoredImage image, Reference name) {}

  public void save(List<Item> items, OutputStream out) throws IOException {
    List<Item> complete = new ArrayList<>();
    for (Item item : items) {
      complete.add(completeFor(item));
    }
    items = complete;
    Set<Digest> blobs = new LinkedHashSet<>();
    for (Item item : items) {
      Set<Digest> reachable = new LinkedHashSet<>();
      store.markReachable(item.image().target(), reachable);
      for (Digest d : reachable) {
        if (!store.hasBlob(d)) {
          throw new StoreException("cannot save " + describe(item) + ": blob " + d + " is missing from the image store");
        }
        blobs.add(d);
      }
    }
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    putDirectory(tar, "blobs/");
    putDirectory(tar, "blobs/sha256/");
    for (Digest digest : blobs) {
      TarArchiveEntry entry = new TarArchiveEntry(ArchiveLoader.blobPath(digest));
      entry.setSize(store.blobSize(digest));
      entry.setModTime(0);
      tar.putArchiveEntry(entry);
      try (InputStream in = store.openBlob(digest)) {
        in.transferTo(tar);
      }
      tar.closeArchiveEntry();
    }
    putFile(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    putFile(tar, "index.json", Json.write(index(items)));
    putFile(tar, "manifest.json", Json.write(dockerManifest(items)));
    tar.finish();
    tar.flush();
  }

  /** The item itself when complete; else the platform manifest it has, said aloud. */
  private Item completeFor(Item item) throws IOException {
    StoredImage image = item.image();
    if (!image.isIndex() || store.isComplete(image.target())) {
      return item;
    }
    Descriptor platform = image.manifestDescriptor();
    warnings.accept("saving " + (platform.platformName() != null ? platform.platformName() : "manifest " + platform.digest())
        + " of " + describe(item) + " only: the other platforms of its index " + image.target().digest()
        + " are not in the local store (pull it with --all-platforms to save them all)");
    StoredImage single = new StoredImage(image.name(), platform, platform, image.manifest());
    return new Item(single, item.name());
  }

  private static String describe(Item item) {
    return item.name() != null ? item.name().familiar() : item.image().id().shortId();
  }

  private static Map<String, Object> index(List<Item> items) {
    List<Object> manifests = new ArrayList<>();
    for (Item item : items) {
      Descriptor target = item.image().target();
      if (item.name() != null) {
        target = target.withAnnotations(Map.of(
            Descriptor.CONTAINERD_NAME, item.name().canonical(),
            Descriptor.REF_NAME, item.name().tag()));
      } else {
        target = target.withAnnotations(Map.of());
      }
      manifests.add(target.toJson());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("schemaVersion", 2);
    json.put("mediaType", dev.berth.model.MediaTypes.OCI_INDEX);
    json.put("manifests", manifests);
    return json;
  }

  /** One entry per platform manifest, with every name saved for it. */
  private static List<Object> dockerManifest(List<Item> items) {
    Map<Digest, Map<String, Object>> byManifest = new LinkedHashMap<>();
    for (Item item : items) {
      StoredImage image = item.image();
      Map<String, Object> entry = byManifest.computeIfAbsent(image.manifestDescriptor().digest(), d -> {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("Config", ArchiveLoader.blobPath(image.manifest().config().digest()));
        e.put("RepoTags", new ArrayList<String>());
        List<String> layers = new ArrayList<>();
        image.manifest().layers().forEach(l -> layers.add(ArchiveLoader.blobPath(l.digest())));
        e.put("Layers", layers);
        return e;
      });
      if (item.name() != null) {
        @SuppressWarnings("unchecked")
        List<String> tags = (List<String>) entry.get("RepoTags");
        if (!tags.contains(item.name().familiar())) {
          tags.add(item.name().familiar());
        }
      }
    }
    return new ArrayList<>(byManifest.values());
  }

  private static void putDirectory(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setModTime(0);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private static void putFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setModTime(0);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
