package dev.berth.client.transfer;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Manifest;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code berth push}: blobs first (HEAD, then upload only what is missing), manifests last, so the
 * tag never points at content the registry lacks. Progress lines read like docker's.
 */
public final class Pusher {
  private final ImageStore store;
  private final RegistryClient client;
  private final Consumer<String> progress;

  public Pusher(ImageStore store, RegistryClient client, Consumer<String> progress) {
    this.store = store;
    this.client = client;
    this.progress = progress;
  }

  /** What the registry now holds under the tag. */
  public record Result(Digest digest, long size) {}

  public Result push(StoredImage image, Reference target) throws IOException {
    progress.accept("The push refers to repository [" + target.repository() + "]");
    List<Descriptor> children = new ArrayList<>();
    Descriptor top = image.target();
    if (image.isIndex()) {
      ImageIndex index = ImageIndex.parse(store.readSmallBlob(top.digest()), "index " + top.digest());
      if (index.manifests().stream().allMatch(c -> store.hasBlob(c.digest()))) {
        children.addAll(index.manifests());
      } else {
        // only one platform was pulled: push that one, as docker pushes the platform it has
        top = image.manifestDescriptor();
      }
    }
    List<Descriptor> manifests = children.isEmpty() ? List.of(top) : children;
    for (Descriptor m : manifests) {
      Manifest manifest = Manifest.parse(store.readSmallBlob(m.digest()), m.mediaType(), "manifest " + m.digest());
      List<Descriptor> layers = new ArrayList<>(manifest.layers());
      java.util.Collections.reverse(layers); // docker lists the top layer first
      for (Descriptor layer : layers) {
        progress.accept(layer.digest().shortId() + ": " + (pushBlob(layer.digest()) ? "Pushed" : "Layer already exists"));
      }
      pushBlob(manifest.config().digest());
      if (!children.isEmpty()) {
        client.putManifest(m.digest().toString(), mediaType(m), store.readSmallBlob(m.digest()));
      }
    }
    byte[] content = store.readSmallBlob(top.digest());
    String reference = target.tag() != null ? target.tag() : target.digest().toString();
    Digest digest = client.putManifest(reference, mediaType(top), content);
    progress.accept(reference + ": digest: " + digest + " size: " + content.length);
    return new Result(digest, content.length);
  }

  /** @return whether the blob was uploaded (false: the registry had it) */
  private boolean pushBlob(Digest digest) throws IOException {
    if (client.checkBlob(digest).isPresent()) {
      return false;
    }
    client.pushBlob(digest, store.blobPath(digest), store.blobSize(digest));
    return true;
  }

  private static String mediaType(Descriptor d) {
    return d.mediaType() != null ? d.mediaType() : MediaTypes.OCI_MANIFEST;
  }
}
