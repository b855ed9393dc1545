package dev.berth.client.testing;

import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Synthetic images for tests, written the way real tools write them: a {@code docker save} tar
 * (legacy layout: {@code <id>/layer.tar}, {@code <config>.json}, manifest.json, repositories), an
 * OCI layout directory, or an OCI archive tar. Content is derived from a seed, so the same seed
 * gives the same digests and different seeds give different images.
 */
public final class TestImages {

  /** A built image: config JSON and uncompressed layer tars (small; tests only). */
  public record TestImage(byte[] config, List<byte[]> layers) {
    public Digest configDigest() {
      return Digest.sha256(config);
    }

    public List<Digest> layerDigests() {
      return layers.stream().map(Digest::sha256).toList();
    }

    /** {@code docker save} (pre-25) layout; repoTags as docker writes them ({@code x:tag}). */
    public Path writeDockerSave(Path file, String... repoTags) throws IOException {
      try (OutputStream fileOut = Files.newOutputStream(file);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(fileOut)) {
        List<String> layerPaths = new ArrayList<>();
        for (byte[] layer : layers) {
          String id = Digest.sha256(layer).encoded();
          put(tar, id + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
          put(tar, id + "/layer.tar", layer);
          layerPaths.add(id + "/layer.tar");
        }
        String configName = configDigest().encoded() + ".json";
        put(tar, configName, config);
        StringBuilder manifest = new StringBuilder("[{\"Config\":\"" + configName + "\",\"RepoTags\":[");
        for (int i = 0; i < repoTags.length; i++) {
          manifest.append(i > 0 ? "," : "").append('"').append(repoTags[i]).append('"');
        }
        manifest.append("],\"Layers\":[");
        for (int i = 0; i < layerPaths.size(); i++) {
          manifest.append(i > 0 ? "," : "").append('"').append(layerPaths.get(i)).append('"');
        }
        manifest.append("]}]");
        put(tar, "manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8));
      }
      return file;
    }

    /**
     * An OCI image layout directory with gzip layers; {@code annotations} are put on the
     * index.json entry (e.g. {@code io.containerd.image.name}); returns the manifest digest.
     */
    public Digest writeOciLayout(Path dir, java.util.Map<String, String> annotations) throws IOException {
      String manifest = writeManifestInto(dir);
      writeIndexJson(dir, manifest, annotations);
      return Digest.parse(manifest.replaceAll(".*\"digest\":\"([^\"]+)\".*", "$1"));
    }

    /** Blobs and manifest into {@code dir}'s blobs/sha256; returns the manifest's descriptor JSON. */
    String writeManifestInto(Path dir) throws IOException {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      StringBuilder layerJson = new StringBuilder();
      for (byte[] layer : layers) {
        byte[] gz = gzip(layer);
        Digest d = writeBlob(dir, gz);
        layerJson.append(layerJson.isEmpty() ? "" : ",").append(descriptor(MediaTypes.OCI_LAYER_GZIP, d, gz.length, ""));
      }
      Digest configDigest = writeBlob(dir, config);
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
          + descriptor(MediaTypes.OCI_CONFIG, configDigest, config.length, "") + ",\"layers\":[" + layerJson + "]}")
          .getBytes(StandardCharsets.UTF_8);
      Digest manifestDigest = writeBlob(dir, manifest);
      return descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifest.length, "");
    }

    /** The OCI layout of {@link #writeOciLayout} packed into a tar; returns the manifest digest. */
    public Digest writeOciArchive(Path file, java.util.Map<String, String> annotations) throws IOException {
      Path dir = Files.createTempDirectory(file.toAbsolutePath().getParent(), "oci-");
      Digest digest = writeOciLayout(dir, annotations);
      try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
          var files = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) files.sorted()::iterator) {
          if (Files.isRegularFile(p)) {
            put(tar, dir.relativize(p).toString(), Files.readAllBytes(p));
          }
        }
      }
      return digest;
    }
  }

  /**
   * A multi-arch OCI layout: an image index listing {@code amd64} as linux/amd64 and {@code arm64}
   * as linux/arm64/v8; the index is the index.json entry. Returns the index digest.
   */
  public static Digest writeMultiArchLayout(Path dir, java.util.Map<String, String> annotations,
      TestImage amd64, TestImage arm64) throws IOException {
    String a = amd64.writeManifestInto(dir);
    String b = arm64.writeManifestInto(dir);
    a = a.substring(0, a.length() - 1) + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
    b = b.substring(0, b.length() - 1) + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}";
    // arm64 first, so choosing linux/amd64 is a real choice and not "the first"
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + b + "," + a + "]}")
        .getBytes(StandardCharsets.UTF_8);
    Digest indexDigest = writeBlob(dir, index);
    writeIndexJson(dir, descriptor(MediaTypes.OCI_INDEX, indexDigest, index.length, ""), annotations);
    return indexDigest;
  }

  private static void writeIndexJson(Path dir, String entry, java.util.Map<String, String> annotations) throws IOException {
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    StringBuilder ann = new StringBuilder();
    annotations.forEach((k, v) -> ann.append(ann.isEmpty() ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
    String withAnnotations = annotations.isEmpty() ? entry
        : entry.substring(0, entry.length() - 1) + ",\"annotations\":{" + ann + "}}";
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
        + "\",\"manifests\":[" + withAnnotations + "]}");
  }

  /** An image of {@code layerCount} small layers whose content follows from {@code seed}. */
  public static TestImage image(String seed, int layerCount) {
    Random random = new Random(seed.hashCode());
    List<byte[]> layers = new ArrayList<>();
    StringBuilder diffIds = new StringBuilder();
    for (int i = 0; i < layerCount; i++) {
      byte[] payload = new byte[1024 + random.nextInt(4096)];
      random.nextBytes(payload);
      byte[] layer = layerTar("layer" + i + "/data.bin", payload, "layer" + i + "/seed.txt",
          (seed + " " + i).getBytes(StandardCharsets.UTF_8));
      layers.add(layer);
      diffIds.append(i > 0 ? "," : "").append('"').append(Digest.sha256(layer)).append('"');
    }
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-02T03:04:05Z\","
        + "\"config\":{\"Cmd\":[\"/bin/sh\"],\"Labels\":{\"seed\":\"" + seed + "\"}},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}";
    return new TestImage(config.getBytes(StandardCharsets.UTF_8), List.copyOf(layers));
  }

  static byte[] layerTar(String name1, byte[] content1, String name2, byte[] content2) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      put(tar, name1, content1);
      put(tar, name2, content2);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  public static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  private static Digest writeBlob(Path dir, byte[] content) throws IOException {
    Digest d = Digest.sha256(content);
    Files.write(dir.resolve("blobs/sha256").resolve(d.encoded()), content);
    return d;
  }

  private static String descriptor(String mediaType, Digest digest, long size, String extra) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + extra + "}";
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setModTime(1_700_000_000_000L);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private TestImages() {}
}
