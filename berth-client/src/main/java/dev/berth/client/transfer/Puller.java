package dev.berth.client.transfer;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Json;
import dev.berth.client.image.Manifest;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code berth pull}: manifest first, then the config and the layers the store lacks, each
 * verified while it streams in; the name is set only when everything is stored. For a multi-arch
 * index the index itself is stored (so its digest is kept and it can be pushed back as is when
 * complete) and one platform is pulled: linux/amd64, else the first real platform.
 */
public final class Puller {
  private final ImageStore store;
  private final RegistryClient client;
  private final Consumer<String> progress;

  public Puller(ImageStore store, RegistryClient client, Consumer<String> progress) {
    this.store = store;
    this.client = client;
    this.progress = progress;
  }

  public StoredImage pull(Reference ref) throws IOException {
    String reference = ref.digest() != null ? ref.digest().toString() : ref.tag();
    Optional<Digest> before = currentTarget(ref);
    var top = client.getManifest(reference);
    // like docker, announce the pull once the registry has answered for the name
    progress.accept(reference + ": Pulling from " + pathAsDockerShowsIt(ref));
    String topType = mediaTypeOf(top.content(), top.mediaType());
    store.putBlob(top.content());
    Descriptor target = new Descriptor(topType, top.digest(), top.content().length);
    Descriptor manifestDescriptor = target;
    byte[] manifestBytes = top.content();
    if (MediaTypes.isIndex(topType)) {
      ImageIndex index = ImageIndex.parse(top.content(), "index " + top.digest());
      manifestDescriptor = index.choosePlatform().orElseThrow(() -> new StoreException(
          "the index " + top.digest() + " of " + ref.familiar() + " lists no manifests"));
      var child = client.getManifest(manifestDescriptor.digest().toString(), manifestDescriptor.size());
      manifestBytes = child.content();
      store.putBlob(manifestBytes);
    }
    Manifest manifest = Manifest.parse(manifestBytes, manifestDescriptor.mediaType(), "manifest " + manifestDescriptor.digest());
    Descriptor config = manifest.config();
    if (!store.hasBlob(config.digest())) {
      client.pullBlob(config.digest(), config.size(), store);
    }
    for (Descriptor layer : manifest.layers()) {
      if (store.hasBlob(layer.digest())) {
        progress.accept(layer.digest().shortId() + ": Already exists");
      } else {
        client.pullBlob(layer.digest(), layer.size(), store);
        progress.accept(layer.digest().shortId() + ": Pull complete");
      }
    }
    store.addImage(target, ref.tag() != null ? List.of(ref.withTag(ref.tag())) : List.of());
    progress.accept("Digest: " + top.digest());
    boolean upToDate = before.isPresent() && before.get().equals(top.digest());
    progress.accept("Status: " + (upToDate ? "Image is up to date for " : "Downloaded newer image for ") + ref.familiar());
    progress.accept(ref.canonical());
    return store.resolveEntry(target).orElseThrow();
  }

  /** {@code library/ubuntu} on Docker Hub, the path on any other registry. */
  private static String pathAsDockerShowsIt(Reference ref) {
    return ref.path();
  }

  private Optional<Digest> currentTarget(Reference ref) throws IOException {
    for (StoredImage image : store.list()) {
      if (image.name() != null && image.name().canonical().equals(ref.withTag(ref.tag()).canonical())
          && ref.tag() != null) {
        return Optional.of(image.target().digest());
      }
      if (ref.digest() != null && image.target().digest().equals(ref.digest())) {
        return Optional.of(ref.digest());
      }
    }
    return Optional.empty();
  }

  /** The JSON's own mediaType wins over the header; an index is recognised by its manifests. */
  static String mediaTypeOf(byte[] content, String header) throws IOException {
    var json = Json.parseObject(content, "manifest");
    String declared = Json.string(json, "mediaType");
    if (declared != null) {
      return declared;
    }
    if (header != null && MediaTypes.MANIFESTS.contains(header)) {
      return header;
    }
    return json.containsKey("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
  }
}
