package dev.berth.client.transfer;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Manifest;
import dev.berth.client.registry.BlobProgress;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code berth push}: blobs first, several at a time (HEAD, then a cross-repository mount when
 * another repository of the same registry is known to hold the blob, else an upload that resumes
 * after a broken connection), manifests last, so the tag never points at content the registry
 * lacks. Progress reads like docker's.
 *
 * <p>A multi-platform image goes whole (every platform's manifest by digest, then the index under
 * the tag) when all of it is here. When only one platform was pulled, that platform's manifest is
 * pushed, and the push says so: its digest is not the index's.
 */
public final class Pusher {
  private final ImageStore store;
  private final RegistryClient client;
  private final TransferListener listener;
  private final TransferOptions options;

  public Pusher(ImageStore store, RegistryClient client, TransferListener listener, TransferOptions options) {
    this.store = store;
    this.client = client;
    this.listener = listener;
    this.options = options;
  }

  /** With the defaults, reporting as docker does when not on a terminal. */
  public Pusher(ImageStore store, RegistryClient client, Consumer<String> progress) {
    this(store, client, TransferListener.plain(progress), TransferOptions.defaults());
  }

  /** What the registry now holds under the tag. */
  public record Result(Digest digest, long size) {}

  public Result push(StoredImage image, Reference target) throws IOException {
    listener.line("The push refers to repository [" + target.repository() + "]");
    RetryNotices.announce(client, listener);
    Descriptor top = image.target();
    List<Descriptor> children = new ArrayList<>();
    if (MediaTypes.isIndex(top.mediaType())) {
      if (store.isComplete(top)) {
        children.addAll(ImageIndex.parse(store.readSmallBlob(top.digest()), "index " + top.digest()).manifests());
      } else {
        Descriptor platform = image.manifestDescriptor();
        listener.warning("Pushing " + (platform.platformName() != null ? platform.platformName() : "manifest " + platform.digest())
            + " only: the other platforms of the multi-platform image " + top.digest()
            + " are not in the local store (pull it with --all-platforms to push them all)");
        top = platform;
      }
    }
    List<Descriptor> manifests = children.isEmpty() ? List.of(top) : children;
    pushBlobs(manifests, target);
    for (Descriptor child : children) {
      client.putManifest(child.digest().toString(), mediaType(child), store.readSmallBlob(child.digest()));
    }
    byte[] content = store.readSmallBlob(top.digest());
    String reference = target.tag() != null ? target.tag() : target.digest().toString();
    Digest digest = client.putManifest(reference, mediaType(top), content);
    listener.line(reference + ": digest: " + digest + " size: " + content.length);
    return new Result(digest, content.length);
  }

  /** Layers (docker lists the top layer first) and configs of every manifest, each once. */
  private void pushBlobs(List<Descriptor> manifests, Reference target) throws IOException {
    Map<Digest, Descriptor> layers = new LinkedHashMap<>();
    Set<Digest> configs = new HashSet<>();
    for (Descriptor m : manifests) {
      collectManifests(m, layers, configs, 0);
    }
    Map<Digest, String> sources = mountSources(target);
    List<Digest> all = new ArrayList<>(layers.keySet());
    configs.stream().filter(c -> !layers.containsKey(c)).forEach(all::add);
    for (Descriptor layer : layers.values()) {
      listener.blob(BlobEvent.waiting(layer.digest().shortId(), "Preparing"));
    }
    // one HEAD before the others start: wrong or missing credentials fail once, not once per blob
    Digest first = all.getFirst();
    boolean firstExists = client.checkBlob(first).isPresent();
    List<Parallel.Task> tasks = new ArrayList<>();
    for (Digest digest : all) {
      String id = layers.containsKey(digest) ? digest.shortId() : null;
      boolean known = digest.equals(first) && firstExists;
      tasks.add(() -> {
        String outcome = known ? "Layer already exists" : pushBlob(digest, sources.get(digest), id);
        if (id != null) {
          listener.blob(BlobEvent.done(id, outcome));
        }
      });
    }
    Parallel.run(options.concurrency(), tasks);
  }

  private void collectManifests(Descriptor m, Map<Digest, Descriptor> layers, Set<Digest> configs, int depth) throws IOException {
    byte[] bytes = store.readSmallBlob(m.digest());
    if (MediaTypes.isIndex(m.mediaType()) && depth < 3) {
      for (Descriptor child : ImageIndex.parse(bytes, "index " + m.digest()).manifests()) {
        collectManifests(child, layers, configs, depth + 1);
      }
      return;
    }
    Manifest manifest = Manifest.parse(bytes, m.mediaType(), "manifest " + m.digest());
    List<Descriptor> reversed = new ArrayList<>(manifest.layers());
    Collections.reverse(reversed);
    reversed.forEach(l -> layers.putIfAbsent(l.digest(), l));
    configs.add(manifest.config().digest());
  }

  /**
   * Repositories of the target's registry that should hold each blob: the local images named
   * there (pulled from there, or pushed there before). A mount that the registry refuses is just an
   * upload, so a wrong guess costs nothing.
   */
  private Map<Digest, String> mountSources(Reference target) throws IOException {
    Map<Digest, String> sources = new LinkedHashMap<>();
    for (StoredImage other : store.list()) {
      Reference name = other.name();
      if (name == null || !name.registryHost().equals(target.registryHost()) || name.path().equals(target.path())) {
        continue;
      }
      Set<Digest> reachable = new HashSet<>();
      store.markReachable(other.target(), reachable);
      reachable.forEach(d -> sources.putIfAbsent(d, name.path()));
    }
    return sources;
  }

  /** @return docker's word for what happened to the blob */
  private String pushBlob(Digest digest, String mountFrom, String id) throws IOException {
    if (client.checkBlob(digest).isPresent()) {
      return "Layer already exists";
    }
    long size = store.blobSize(digest);
    BlobProgress progress = listener.progressOf(id, "Pushing", size);
    RegistryClient.Pushed how = client.pushBlob(digest, store.blobPath(digest), size, mountFrom, progress);
    return how == RegistryClient.Pushed.MOUNTED ? "Mounted from " + mountFrom : "Pushed";
  }

  private static String mediaType(Descriptor d) {
    return d.mediaType() != null ? d.mediaType() : MediaTypes.OCI_MANIFEST;
  }
}
