package dev.berth.client.transfer;

import static dev.berth.client.registry.CopyException.Item.BLOB;
import static dev.berth.client.registry.CopyException.Item.MANIFEST;
import static dev.berth.client.registry.CopyException.Side.SOURCE;
import static dev.berth.client.registry.CopyException.Side.TARGET;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Manifest;
import dev.berth.client.registry.BlobProgress;
import dev.berth.client.registry.CopyException;
import dev.berth.client.registry.PulledManifest;
import dev.berth.client.registry.RegistryClient;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code berth copy SRC DST}: registry to registry, without the local store. Blobs stream from
 * the source's GET into the target's PATCH, several at a time; within one registry they are
 * mounted instead ({@code ?mount=&from=}), so nothing moves. Manifests are copied byte for byte,
 * so every digest stays what it was. From a multi-platform index: one platform, said aloud, or
 * with {@link TransferOptions#allPlatforms()} the whole index. A registry call that fails comes out
 * as a {@link CopyException} saying whether it was the source's or the target's.
 */
public final class Copier {
  private static final int MAX_DEPTH = 3;

  private final RegistryClient source;
  private final RegistryClient target;
  private final TransferListener listener;
  private final TransferOptions options;

  public Copier(RegistryClient source, RegistryClient target, TransferListener listener, TransferOptions options) {
    this.source = source;
    this.target = target;
    this.listener = listener;
    this.options = options;
  }

  /** What the target now holds under its tag. */
  public record Result(Digest digest, long size) {}

  /** A manifest to copy: its descriptor and exact bytes. */
  private record Copied(Descriptor descriptor, byte[] content) {}

  /**
   * @throws CopyException when a registry call failed, with its side; a plain {@link IOException}
   *     is about what the source holds (no platform to choose, an index nested too deep)
   */
  public Result copy(Reference from, Reference to) throws IOException {
    RetryNotices.announce(source, listener);
    RetryNotices.announce(target, listener);
    PulledManifest top = on(SOURCE, MANIFEST, () -> source.getManifest(from.digest() != null ? from.digest().toString() : from.tag()));
    String topType = top.contentType();
    listener.line("Copying " + from.familiar() + " to " + to.familiar());
    Copied root = new Copied(new Descriptor(topType, top.digest(), top.content().length), top.content());

    List<Copied> manifests = new ArrayList<>(); // children before their index, the root last
    List<Manifest> images = new ArrayList<>();
    if (MediaTypes.isIndex(topType) && !options.allPlatforms()) {
      ImageIndex index = ImageIndex.parse(top.content(), "index " + top.digest());
      Descriptor chosen = index.select(options.platform()).orElseThrow(() -> new IOException(
          index.noMatch(options.platform(), from.familiar()) + "; choose one with --platform, or copy all with --all-platforms)"));
      listener.warning("Copying " + options.platform() + " only: the other platforms of the multi-platform image "
          + top.digest() + " are left out (--all-platforms copies them all)");
      PulledManifest child = on(SOURCE, MANIFEST, () -> source.getManifest(chosen.digest().toString(), chosen.size()));
      root = new Copied(new Descriptor(chosen.mediaType(), chosen.digest(), chosen.size()), child.content());
    }
    collect(root, manifests, images, 0);

    Map<Digest, Descriptor> layers = new LinkedHashMap<>();
    Map<Digest, Descriptor> configs = new LinkedHashMap<>();
    for (Manifest m : images) {
      m.layers().forEach(l -> layers.putIfAbsent(l.digest(), l));
      configs.putIfAbsent(m.config().digest(), m.config());
    }
    String mountFrom = source.endpoint().host().equals(target.endpoint().host()) ? source.path() : null;
    List<Parallel.Task> tasks = new ArrayList<>();
    for (Descriptor layer : layers.values()) {
      String id = layer.digest().shortId();
      listener.blob(BlobEvent.waiting(id, "Waiting"));
      tasks.add(() -> listener.blob(BlobEvent.done(id, copyBlob(layer, mountFrom, id))));
    }
    for (Descriptor config : configs.values()) {
      if (!layers.containsKey(config.digest())) {
        tasks.add(() -> copyBlob(config, mountFrom, null));
      }
    }
    Parallel.run(options.concurrency(), tasks);

    for (Copied m : manifests) {
      if (m != root) {
        on(TARGET, MANIFEST, () -> target.putManifest(m.descriptor().digest().toString(), mediaType(m.descriptor()), m.content()));
      }
    }
    String reference = to.tag() != null ? to.tag() : to.digest().toString();
    String type = mediaType(root.descriptor());
    byte[] content = root.content();
    Digest digest = on(TARGET, MANIFEST, () -> target.putManifest(reference, type, content));
    listener.line(reference + ": digest: " + digest + " size: " + content.length);
    return new Result(digest, content.length);
  }

  /** Adds {@code m} after the manifests it names (fetched from the source), and the images to {@code images}. */
  private void collect(Copied m, List<Copied> out, List<Manifest> images, int depth) throws IOException {
    Descriptor d = m.descriptor();
    if (MediaTypes.isIndex(d.mediaType())) {
      if (depth >= MAX_DEPTH) {
        throw new IOException("the index " + d.digest() + " nests indexes too deep");
      }
      for (Descriptor child : ImageIndex.parse(m.content(), "index " + d.digest()).manifests()) {
        PulledManifest pulled = on(SOURCE, MANIFEST, () -> source.getManifest(child.digest().toString(), child.size()));
        String type = child.mediaType() != null ? child.mediaType() : pulled.contentType();
        collect(new Copied(new Descriptor(type, child.digest(), child.size()), pulled.content()), out, images, depth + 1);
      }
    } else {
      images.add(Manifest.parse(m.content(), d.mediaType(), "manifest " + d.digest()));
    }
    out.add(m);
  }

  private String copyBlob(Descriptor blob, String mountFrom, String id) throws IOException {
    if (on(TARGET, BLOB, () -> target.checkBlob(blob.digest())).isPresent()) {
      return "Layer already exists";
    }
    long size = blob.size();
    BlobProgress progress = listener.progressOf(id, "Copying", size);
    RegistryClient.Pushed how = on(TARGET, BLOB, () -> target.copyBlob(source, blob.digest(), size, mountFrom, progress));
    return how == RegistryClient.Pushed.MOUNTED ? "Mounted from " + mountFrom : "Pushed";
  }

  /** A call to the source's or the target's registry. */
  private interface Call<T> {
    T run() throws IOException;
  }

  /** Makes a call to one side, saying which side failed: both may name the same repository. */
  private static <T> T on(CopyException.Side side, CopyException.Item item, Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (CopyException e) {
      throw e; // copyBlob's source, which streams inside the target's PATCH, said so itself
    } catch (IOException e) {
      throw new CopyException(side, item, e);
    }
  }

  private static String mediaType(Descriptor d) {
    return d.mediaType() != null ? d.mediaType() : MediaTypes.OCI_MANIFEST;
  }
}
