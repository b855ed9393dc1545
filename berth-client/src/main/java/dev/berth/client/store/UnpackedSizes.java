package dev.berth.client.store;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Manifest;
import dev.berth.model.Digest;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * An image's size as docker reports it: the bytes of its layers unpacked (the tars), not as they
 * happen to be compressed. An image ID names a config, whose {@code diff_ids} name the uncompressed
 * layers, so the same ID always has the same size, whether it was loaded from a docker save tar
 * (plain tars) or pulled (gzip).
 *
 * <p>A gzip layer is measured once by inflating it (a pulled one while it is written, see
 * {@link GzipMeter}), and the answer kept in {@code <store>/.unpacked-sizes/<algorithm>-<hex>};
 * plain tars need no work. A zstd layer (no
 * decoder in the JDK) counts as its compressed size, as does any blob of a non-image artifact.
 */
public final class UnpackedSizes {
  private final ImageStore store;
  private final Path dir;

  public UnpackedSizes(ImageStore store) {
    this.store = store;
    this.dir = store.root().resolve(".unpacked-sizes");
  }

  /** The sum of the layers' unpacked sizes. */
  public long imageSize(Manifest manifest) throws IOException {
    long size = 0;
    for (Descriptor layer : manifest.layers()) {
      size += layerSize(layer);
    }
    return size;
  }

  /** One layer's unpacked size: measured once per compressed blob, then read back. */
  public long layerSize(Descriptor layer) throws IOException {
    if (!isGzip(layer.mediaType()) || !store.hasBlob(layer.digest())) {
      return layer.size();
    }
    Path cached = cacheFile(layer.digest());
    try {
      return Long.parseLong(Files.readString(cached, StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException | NumberFormatException e) {
      long size = inflatedSize(layer.digest());
      remember(layer.digest(), size);
      return size;
    }
  }

  /** Whether layers of this media type are measured by inflating them. */
  static boolean isGzip(String mediaType) {
    return mediaType != null && mediaType.endsWith("gzip");
  }

  /** Keeps a size measured elsewhere (while the blob was written: {@link GzipMeter}). */
  void remember(Digest digest, long unpacked) throws IOException {
    AtomicWrite.createDirectories(dir);
    AtomicWrite.write(cacheFile(digest), Long.toString(unpacked).getBytes(StandardCharsets.US_ASCII));
  }

  private long inflatedSize(Digest digest) throws IOException {
    try (InputStream in = new GZIPInputStream(store.openBlob(digest), 64 * 1024)) {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
      return total;
    } catch (java.util.zip.ZipException e) {
      throw new StoreException("layer " + digest + " is not valid gzip: " + e.getMessage());
    }
  }

  private Path cacheFile(Digest digest) {
    return dir.resolve(digest.algorithm() + "-" + digest.encoded());
  }

  /** Forgets the sizes of blobs the store no longer holds; returns how many. */
  public int forgetRemoved() throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Set<Path> stale = new HashSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        String digest = dash < 0 ? "" : name.substring(0, dash) + ":" + name.substring(dash + 1);
        if (!Digest.isValid(digest) || !store.hasBlob(Digest.parse(digest))) {
          stale.add(file);
        }
      }
    }
    for (Path file : stale) {
      Files.deleteIfExists(file);
    }
    return stale.size();
  }
}
