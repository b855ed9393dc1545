package dev.berth.client.transfer;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Manifest;
import dev.berth.client.registry.PulledManifest;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code berth pull}: the manifest first, then the configs and layers the store lacks, several at
 * a time, each verified while it streams in (and resumed with {@code Range} if its connection
 * breaks); the name is set only once everything is stored.
 *
 * <p>From a multi-platform index the index itself is stored, so the name keeps the digest the
 * registry gave it, with the manifest for one platform ({@link TransferOptions#platform()}, by
 * default this machine's, as docker picks it; an index without it is an error naming the
 * platforms it has) or, with {@link TransferOptions#allPlatforms()}, all of them: then the image is
 * complete and push and save send the whole index.
 */
public final class Puller {
  private static final int MAX_DEPTH = 3;

  private final ImageStore store;
  private final RegistryClient client;
  private final TransferListener listener;
  private final TransferOptions options;

  public Puller(ImageStore store, RegistryClient client, TransferListener listener, TransferOptions options) {
    this.store = store;
    this.client = client;
    this.listener = listener;
    this.options = options;
  }

  /** With the defaults, reporting as docker does when not on a terminal. */
  public Puller(ImageStore store, RegistryClient client, Consumer<String> progress) {
    this(store, client, TransferListener.plain(progress), TransferOptions.defaults());
  }

  public StoredImage pull(Reference ref) throws IOException {
    String reference = ref.digest() != null ? ref.digest().toString() : ref.tag();
    Optional<Digest> before = currentTarget(ref);
    RetryNotices.announce(client, listener);
    PulledManifest top = client.getManifest(reference);
    // like docker, announce the pull once the registry has answered for the name
    listener.line(reference + ": Pulling from " + ref.path());
    String topType = top.contentType();
    Descriptor target = new Descriptor(topType, top.digest(), top.content().length);

    List<Manifest> manifests = new ArrayList<>();
    collect(target, top.content(), ref, manifests, 0);

    // blobs in docker's order: each manifest's layers, bottom first; configs quietly
    Map<Digest, Descriptor> layers = new LinkedHashMap<>();
    Map<Digest, Descriptor> configs = new LinkedHashMap<>();
    for (Manifest m : manifests) {
      m.layers().forEach(l -> layers.putIfAbsent(l.digest(), l));
      configs.putIfAbsent(m.config().digest(), m.config());
    }
    List<Parallel.Task> tasks = new ArrayList<>();
    for (Descriptor layer : layers.values()) {
      String id = layer.digest().shortId();
      if (store.hasBlob(layer.digest())) {
        listener.blob(BlobEvent.done(id, "Already exists"));
      } else {
        listener.blob(BlobEvent.waiting(id, "Pulling fs layer"));
        tasks.add(() -> download(layer, id));
      }
    }
    for (Descriptor config : configs.values()) {
      if (!store.hasBlob(config.digest()) && !layers.containsKey(config.digest())) {
        tasks.add(() -> client.pullBlob(config.digest(), config.size(), store));
      }
    }
    Parallel.run(options.concurrency(), tasks);

    store.addImage(target, ref.tag() != null ? List.of(ref.withTag(ref.tag())) : List.of());
    listener.line("Digest: " + top.digest());
    boolean upToDate = before.isPresent() && before.get().equals(top.digest());
    listener.line("Status: " + (upToDate ? "Image is up to date for " : "Downloaded newer image for ") + ref.familiar());
    listener.line(ref.canonical());
    return ref.tag() != null ? store.resolve(ref.withTag(ref.tag()).canonical()) : store.resolveEntry(target).orElseThrow();
  }

  /**
   * Stores {@code d} (whose bytes are {@code content}) and, for an index, the manifests of the
   * platforms we take; adds each image manifest to {@code out}.
   */
  private void collect(Descriptor d, byte[] content, Reference ref, List<Manifest> out, int depth) throws IOException {
    store.putBlob(content);
    if (!MediaTypes.isIndex(d.mediaType())) {
      out.add(Manifest.parse(content, d.mediaType(), "manifest " + d.digest()));
      return;
    }
    if (depth >= MAX_DEPTH) {
      throw new StoreException("the index " + d.digest() + " of " + ref.familiar() + " nests indexes too deep");
    }
    ImageIndex index = ImageIndex.parse(content, "index " + d.digest());
    List<Descriptor> children = new ArrayList<>();
    if (options.allPlatforms()) {
      children.addAll(index.manifests());
    } else {
      children.add(index.select(options.platform()).orElseThrow(() -> new StoreException(
          index.noMatch(options.platform(), ref.familiar()) + "; choose one with --platform)")));
    }
    if (children.isEmpty()) {
      throw new StoreException("the index " + d.digest() + " of " + ref.familiar() + " lists no manifests");
    }
    for (Descriptor child : children) {
      PulledManifest pulled = client.getManifest(child.digest().toString(), child.size());
      String type = child.mediaType() != null ? child.mediaType() : pulled.contentType();
      collect(new Descriptor(type, child.digest(), child.size()), pulled.content(), ref, out, depth + 1);
    }
  }

  private void download(Descriptor layer, String id) throws IOException {
    long size = layer.size();
    client.pullBlob(layer, store, listener.progressOf(id, "Downloading", size));
    listener.blob(BlobEvent.progress(id, "Verifying Checksum", size, size));
    listener.blob(BlobEvent.done(id, "Pull complete"));
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
}
