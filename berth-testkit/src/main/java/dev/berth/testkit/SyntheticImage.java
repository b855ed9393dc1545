package dev.berth.testkit;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small but real container image, built in memory from a seed: uncompressed tar layers with
 * random files, a config whose {@code rootfs.diff_ids} match them, and an OCI image manifest. The
 * same seed always gives the same bytes (and digests); different seeds give different images.
 * It can be written as an OCI image layout directory, an OCI archive, or a {@code docker save} tar.
 *
 * <pre>{@code
 * SyntheticImage image = SyntheticImage.builder().seed(7).repoTag("localhost:5000/demo/app:1").build();
 * image.writeDockerArchive(dir.resolve("app.tar"));
 * image.writeOciLayout(dir.resolve("layout"));
 * }</pre>
 */
public final class SyntheticImage {

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";

  /** Fixed timestamp for every entry and the config, so bytes do not depend on the clock. */
  private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  private final long seed;
  private final String repoTag;
  private final String os;
  private final String architecture;
  private final Blob config;
  private final List<Blob> layers;
  private final Blob manifest;
  private final Blob dockerManifest;

  private SyntheticImage(Builder b) {
    this.seed = b.seed;
    this.repoTag = b.repoTag;
    this.os = b.os;
    this.architecture = b.architecture;
    List<Blob> built = new ArrayList<>();
    for (int i = 0; i < b.layerSizes.length; i++) {
      built.add(new Blob(OCI_LAYER, layerTar(b.seed, i, b.layerSizes[i])));
    }
    this.layers = List.copyOf(built);
    this.config = new Blob(OCI_CONFIG, configJson());
    this.manifest = new Blob(OCI_MANIFEST, manifestJson(OCI_MANIFEST, OCI_CONFIG, OCI_LAYER));
    this.dockerManifest =
        new Blob(DOCKER_MANIFEST, manifestJson(DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A three-layer image for {@code seed}, without a name. */
  public static SyntheticImage of(long seed) {
    return builder().seed(seed).build();
  }

  public long seed() {
    return seed;
  }

  /** The name given with {@link Builder#repoTag}, or null. */
  public String repoTag() {
    return repoTag;
  }

  /** The image config (media type {@value #OCI_CONFIG}). */
  public Blob config() {
    return config;
  }

  /** The layers, uncompressed tars, in order. */
  public List<Blob> layers() {
    return layers;
  }

  public String os() {
    return os;
  }

  public String architecture() {
    return architecture;
  }

  /** The config and the layers: every blob a registry needs before the manifest. */
  public List<Blob> blobs() {
    List<Blob> all = new ArrayList<>();
    all.add(config);
    all.addAll(layers);
    return all;
  }

  /** The diff ids recorded in the config; for uncompressed layers, the layer digests. */
  public List<String> diffIds() {
    return layers.stream().map(Blob::digest).toList();
  }

  /** The OCI image manifest (media type {@value #OCI_MANIFEST}). */
  public Blob manifest() {
    return manifest;
  }

  /**
   * The same image as a Docker schema 2 manifest (media type {@value #DOCKER_MANIFEST}); it names
   * the same blob digests with Docker's media types.
   */
  public Blob dockerManifest() {
    return dockerManifest;
  }

  /** Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...) into {@code dir}. */
  public Path writeOciLayout(Path dir) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.write(dir.resolve("oci-layout"), ociLayoutFile());
      for (Blob blob : allOciBlobs()) {
        Files.write(dir.resolve("blobs/sha256/" + blob.hex()), blob.content());
      }
      Files.write(dir.resolve("index.json"), ociIndex());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write OCI layout to " + dir, e);
    }
  }

  /** Writes the OCI layout as one tar (what {@code skopeo copy ... oci-archive:FILE} reads). */
  public Path writeOciArchive(Path tarFile) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("oci-layout", ociLayoutFile());
    entries.put("index.json", ociIndex());
    for (Blob blob : allOciBlobs()) {
      entries.put("blobs/sha256/" + blob.hex(), blob.content());
    }
    return writeTarFile(tarFile, entries);
  }

  /**
   * Writes a {@code docker save} tar in the classic layout (docker before 25): {@code manifest.json}
   * (Config, RepoTags, Layers), {@code <config-hex>.json}, {@code <layer-hex>/layer.tar},
   * {@code repositories}.
   */
  public Path writeDockerArchive(Path tarFile) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    String configName = config.hex() + ".json";
    entries.put(configName, config.content());
    List<String> layerNames = new ArrayList<>();
    for (Blob layer : layers) {
      String name = layer.hex() + "/layer.tar";
      entries.put(layer.hex() + "/VERSION", "1.0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      entries.put(name, layer.content());
      layerNames.add(name);
    }
    addDockerIndexes(entries, configName, layerNames);
    return writeTarFile(tarFile, entries);
  }

  /**
   * Writes a {@code docker save} tar as docker 25 and later do: an OCI layout whose blobs the
   * {@code manifest.json} names by path ({@code blobs/sha256/<hex>}), plus {@code repositories}.
   */
  public Path writeDockerArchiveOciStyle(Path tarFile) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("oci-layout", ociLayoutFile());
    entries.put("index.json", ociIndex());
    for (Blob blob : allOciBlobs()) {
      entries.put("blobs/sha256/" + blob.hex(), blob.content());
    }
    addDockerIndexes(entries, "blobs/sha256/" + config.hex(),
        layers.stream().map(layer -> "blobs/sha256/" + layer.hex()).toList());
    return writeTarFile(tarFile, entries);
  }

  private void addDockerIndexes(Map<String, byte[]> entries, String configName, List<String> layerNames) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("Config", configName);
    item.put("RepoTags", repoTag == null ? null : List.of(repoTag));
    item.put("Layers", layerNames);
    entries.put("manifest.json", json(List.of(item)));
    if (repoTag != null) {
      int colon = repoTag.lastIndexOf(':');
      boolean tagged = colon > repoTag.lastIndexOf('/');
      String repository = tagged ? repoTag.substring(0, colon) : repoTag;
      String tag = tagged ? repoTag.substring(colon + 1) : "latest";
      entries.put("repositories",
          json(Map.of(repository, Map.of(tag, layers.get(layers.size() - 1).hex()))));
    }
  }

  private List<Blob> allOciBlobs() {
    List<Blob> all = new ArrayList<>(blobs());
    all.add(manifest);
    return all;
  }

  static byte[] ociLayoutFile() {
    return json(Map.of("imageLayoutVersion", "1.0.0"));
  }

  private byte[] ociIndex() {
    return layoutIndex(manifest, repoTag);
  }

  /** The index.json of a layout holding one manifest (or index), named by {@code repoTag}. */
  static byte[] layoutIndex(Blob top, String repoTag) {
    Map<String, Object> descriptor = top.descriptor();
    if (repoTag != null) {
      int colon = repoTag.lastIndexOf(':');
      String tag = colon > repoTag.lastIndexOf('/') ? repoTag.substring(colon + 1) : "latest";
      Map<String, Object> annotations = new LinkedHashMap<>();
      annotations.put("io.containerd.image.name", repoTag);
      annotations.put("org.opencontainers.image.ref.name", tag);
      descriptor.put("annotations", annotations);
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    index.put("manifests", List.of(descriptor));
    return json(index);
  }

  private byte[] configJson() {
    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    runtime.put("Cmd", List.of("/bin/sh"));
    runtime.put("Labels", Map.of("dev.berth.testkit.seed", Long.toString(seed)));
    List<Map<String, Object>> history = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("created", EPOCH.toString());
      step.put("created_by", "berth-testkit: layer " + i + " of seed " + seed);
      history.add(step);
    }
    Map<String, Object> rootfs = new LinkedHashMap<>();
    rootfs.put("type", "layers");
    rootfs.put("diff_ids", diffIds());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("created", EPOCH.toString());
    config.put("architecture", architecture);
    config.put("os", os);
    config.put("config", runtime);
    config.put("rootfs", rootfs);
    config.put("history", history);
    return json(config);
  }

  private byte[] manifestJson(String mediaType, String configType, String layerType) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", mediaType);
    body.put("config", config.withMediaType(configType).descriptor());
    body.put("layers", layers.stream().map(l -> l.withMediaType(layerType).descriptor()).toList());
    return json(body);
  }

  /** One layer: a directory and a few files of seeded random bytes, {@code size} bytes of content. */
  private static byte[] layerTar(long seed, int index, int size) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
    Map<String, byte[]> files = new LinkedHashMap<>();
    int remaining = size;
    for (int file = 0; remaining > 0 || file == 0; file++) {
      int length = Math.min(remaining, Math.max(1, size / 3 + 1));
      byte[] content = new byte[length];
      random.nextBytes(content);
      files.put("layer-" + index + "/file-" + file + ".bin", content);
      remaining -= length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTar(out, files, "layer-" + index + "/");
    return out.toByteArray();
  }

  static Path writeTarFile(Path tarFile, Map<String, byte[]> entries) {
    try {
      Path parent = tarFile.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temp = Files.createTempFile(parent, ".synthetic-", ".tar");
      try (OutputStream out = Files.newOutputStream(temp)) {
        writeTar(out, entries, null);
      }
      Files.move(temp, tarFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return tarFile;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + tarFile, e);
    }
  }

  private static void writeTar(OutputStream target, Map<String, byte[]> files, String directory) {
    try {
      TarArchiveOutputStream tar = new TarArchiveOutputStream(target);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      if (directory != null) {
        TarArchiveEntry dir = new TarArchiveEntry(directory);
        normalise(dir, 040755);
        tar.putArchiveEntry(dir);
        tar.closeArchiveEntry();
      }
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        normalise(entry, 0100644);
        entry.setSize(file.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
      tar.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write a tar archive", e);
    }
  }

  /** Owner, group and time fixed: commons-compress would otherwise record the user and clock. */
  private static void normalise(TarArchiveEntry entry, int mode) {
    entry.setMode(mode);
    entry.setModTime(EPOCH.toEpochMilli());
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setUserName("");
    entry.setGroupName("");
  }

  static byte[] json(Object value) {
    try {
      return JSON.std.asBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write JSON", e);
    }
  }

  /** {@code sha256:<hex>} of {@code content}. */
  public static String sha256(byte[] content) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Content with its media type and digest; the unit a registry stores. */
  public record Blob(String mediaType, byte[] content, String digest) {

    public Blob(String mediaType, byte[] content) {
      this(mediaType, content, sha256(content));
    }

    public long size() {
      return content.length;
    }

    /** The encoded part of the digest (after {@code sha256:}). */
    public String hex() {
      return digest.substring(digest.indexOf(':') + 1);
    }

    public Blob withMediaType(String type) {
      return new Blob(type, content, digest);
    }

    /** An OCI descriptor (mediaType, digest, size) as a mutable ordered map. */
    public Map<String, Object> descriptor() {
      Map<String, Object> descriptor = new LinkedHashMap<>();
      descriptor.put("mediaType", mediaType);
      descriptor.put("digest", digest);
      descriptor.put("size", size());
      return descriptor;
    }
  }

  /** Options; every one has a default, so {@code builder().build()} is a valid image. */
  public static final class Builder {
    private long seed = 1;
    private int[] layerSizes = {4 * 1024, 16 * 1024, 48 * 1024};
    private String repoTag;
    private String os = "linux";
    private String architecture = "amd64";

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Content bytes per layer (the tar adds headers); one to a few layers. */
    public Builder layerSizes(int... sizes) {
      if (sizes.length == 0) {
        throw new IllegalArgumentException("an image needs at least one layer");
      }
      for (int size : sizes) {
        if (size < 0) {
          throw new IllegalArgumentException("negative layer size: " + size);
        }
      }
      this.layerSizes = sizes.clone();
      return this;
    }

    /** The name recorded in the archive ({@code RepoTags}, index annotations), e.g. {@code host/repo:tag}. */
    public Builder repoTag(String repoTag) {
      this.repoTag = repoTag;
      return this;
    }

    public Builder platform(String os, String architecture) {
      this.os = os;
      this.architecture = architecture;
      return this;
    }

    public SyntheticImage build() {
      return new SyntheticImage(this);
    }
  }
}
