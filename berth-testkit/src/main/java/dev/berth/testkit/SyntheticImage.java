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
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small but real container image, built in memory from a seed: uncompressed tar layers with
 * random files, a config whose {@code rootfs.diff_ids} match them, and an OCI image manifest. The
 * same seed always gives the same bytes (and digests); different seeds give different images.
 * It can be written as an OCI image layout directory, an OCI archive, or a {@code docker save} tar.
 * Layers can be gzip-compressed in manifests and layouts (as registries usually hold them); a
 * {@code docker save} tar always carries the uncompressed tars, as docker writes it. Several images
 * make a multi-platform {@link SyntheticIndex}.
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
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Fixed timestamp for every entry and the config, so bytes do not depend on the clock. */
  private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  private final long seed;
  private final List<String> repoTags;
  private final String os;
  private final String architecture;
  private final String variant;
  private final Instant created;
  private final Blob config;
  private final List<Blob> layerTars;
  private final List<Blob> layers;
  private final Blob manifest;
  private final Blob dockerManifest;

  private SyntheticImage(Builder b) {
    this.seed = b.seed;
    this.repoTags = List.copyOf(b.repoTags);
    this.os = b.os;
    this.architecture = b.architecture;
    this.variant = b.variant;
    this.created = b.created;
    List<Blob> tars = new ArrayList<>();
    List<Blob> stored = new ArrayList<>();
    for (int i = 0; i < b.layerSizes.length; i++) {
      Blob tar = new Blob(OCI_LAYER, layerTar(b.seed, i, b.layerSizes[i]));
      tars.add(tar);
      stored.add(b.gzipLayers ? new Blob(OCI_LAYER_GZIP, gzip(tar.content())) : tar);
    }
    this.layerTars = List.copyOf(tars);
    this.layers = List.copyOf(stored);
    this.config = new Blob(OCI_CONFIG, configJson());
    this.manifest = new Blob(OCI_MANIFEST,
        manifestJson(OCI_MANIFEST, OCI_CONFIG, b.gzipLayers ? OCI_LAYER_GZIP : OCI_LAYER));
    this.dockerManifest = new Blob(DOCKER_MANIFEST,
        manifestJson(DOCKER_MANIFEST, DOCKER_CONFIG, b.gzipLayers ? DOCKER_LAYER_GZIP : DOCKER_LAYER));
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

  /** The first name given with {@link Builder#repoTag} or {@link Builder#repoTags}, or null. */
  public String repoTag() {
    return repoTags.isEmpty() ? null : repoTags.get(0);
  }

  /** Every name the {@code docker save} tar records, in order; empty for an unnamed image. */
  public List<String> repoTags() {
    return repoTags;
  }

  /** The platform as an image index records it: architecture, os and, if set, variant. */
  public Map<String, Object> platform() {
    Map<String, Object> platform = new LinkedHashMap<>();
    platform.put("architecture", architecture);
    platform.put("os", os);
    if (variant != null) {
      platform.put("variant", variant);
    }
    return platform;
  }

  /** The image config (media type {@value #OCI_CONFIG}). */
  public Blob config() {
    return config;
  }

  /**
   * The layers as the manifests reference them, in order: uncompressed tars, or their gzip
   * compression when the image was built with {@link Builder#gzipLayers}.
   */
  public List<Blob> layers() {
    return layers;
  }

  /** The uncompressed layer tars, in order (what a {@code docker save} tar carries). */
  public List<Blob> layerTars() {
    return layerTars;
  }

  /** The config and the layers: every blob a registry needs before the manifest. */
  public List<Blob> blobs() {
    List<Blob> all = new ArrayList<>();
    all.add(config);
    all.addAll(layers);
    return all;
  }

  /** The diff ids recorded in the config: the digests of the uncompressed layer tars. */
  public List<String> diffIds() {
    return layerTars.stream().map(Blob::digest).toList();
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

  /**
   * Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...) into {@code dir}; the
   * index.json entry is annotated with the {@link Builder#repoTag} name, if any.
   */
  public Path writeOciLayout(Path dir) {
    return writeOciLayout(dir, nameAnnotations());
  }

  /** Writes an OCI image layout whose index.json entry carries exactly {@code annotations}. */
  public Path writeOciLayout(Path dir, Map<String, String> annotations) {
    return writeLayout(dir, allOciBlobs(), annotated(manifest.descriptor(), annotations));
  }

  /** Writes the OCI layout as one tar (what {@code skopeo copy ... oci-archive:FILE} reads). */
  public Path writeOciArchive(Path tarFile) {
    return writeOciArchive(tarFile, nameAnnotations());
  }

  /** Writes the OCI layout as one tar whose index.json entry carries exactly {@code annotations}. */
  public Path writeOciArchive(Path tarFile, Map<String, String> annotations) {
    return writeLayoutArchive(tarFile, allOciBlobs(), annotated(manifest.descriptor(), annotations));
  }

  static Path writeLayout(Path dir, List<Blob> blobs, Map<String, Object> entry) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.write(dir.resolve("oci-layout"), ociLayoutFile());
      for (Blob blob : blobs) {
        Files.write(dir.resolve("blobs/sha256/" + blob.hex()), blob.content());
      }
      Files.write(dir.resolve("index.json"), ociIndex(entry));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write OCI layout to " + dir, e);
    }
  }

  static Path writeLayoutArchive(Path tarFile, List<Blob> blobs, Map<String, Object> entry) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("oci-layout", ociLayoutFile());
    entries.put("index.json", ociIndex(entry));
    for (Blob blob : blobs) {
      entries.put("blobs/sha256/" + blob.hex(), blob.content());
    }
    return writeTarFile(tarFile, entries);
  }

  /**
   * Writes a {@code docker save} tar in the classic layout: {@code manifest.json} (Config,
   * RepoTags, Layers), {@code <config-hex>.json}, {@code <layer-hex>/layer.tar}, {@code repositories}.
   */
  public Path writeDockerArchive(Path tarFile) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    String configName = config.hex() + ".json";
    entries.put(configName, config.content());
    List<String> layerNames = new ArrayList<>();
    for (Blob layer : layerTars) {
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
    entries.put("index.json", ociIndex(annotated(manifest.descriptor(), nameAnnotations())));
    for (Blob blob : allOciBlobs()) {
      entries.put("blobs/sha256/" + blob.hex(), blob.content());
    }
    addDockerIndexes(entries, "blobs/sha256/" + config.hex(),
        layers.stream().map(layer -> "blobs/sha256/" + layer.hex()).toList());
    return writeTarFile(tarFile, entries);
  }

  /** docker's own indexes of a save tar: {@code manifest.json} and the legacy {@code repositories}. */
  private void addDockerIndexes(Map<String, byte[]> entries, String configName, List<String> layerNames) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("Config", configName);
    item.put("RepoTags", repoTags.isEmpty() ? null : repoTags);
    item.put("Layers", layerNames);
    entries.put("manifest.json", json(List.of(item)));
    if (!repoTags.isEmpty()) {
      Map<String, Map<String, String>> repositories = new LinkedHashMap<>();
      String top = layerTars.get(layerTars.size() - 1).hex();
      for (String repoTag : repoTags) {
        int colon = repoTag.lastIndexOf(':');
        boolean tagged = colon > repoTag.lastIndexOf('/');
        String repository = tagged ? repoTag.substring(0, colon) : repoTag;
        String tag = tagged ? repoTag.substring(colon + 1) : "latest";
        repositories.computeIfAbsent(repository, r -> new LinkedHashMap<>()).put(tag, top);
      }
      entries.put("repositories", json(repositories));
    }
  }

  /** Config, layers and the OCI manifest: the blobs of this image in an OCI layout. */
  List<Blob> allOciBlobs() {
    List<Blob> all = new ArrayList<>(blobs());
    all.add(manifest);
    return all;
  }

  private static byte[] ociLayoutFile() {
    return json(Map.of("imageLayoutVersion", "1.0.0"));
  }

  /** containerd's full name and the OCI ref.name tag for the first repo tag; none if unnamed. */
  private Map<String, String> nameAnnotations() {
    String repoTag = repoTag();
    if (repoTag == null) {
      return Map.of();
    }
    int colon = repoTag.lastIndexOf(':');
    String tag = colon > repoTag.lastIndexOf('/') ? repoTag.substring(colon + 1) : "latest";
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("io.containerd.image.name", repoTag);
    annotations.put("org.opencontainers.image.ref.name", tag);
    return annotations;
  }

  static Map<String, Object> annotated(Map<String, Object> descriptor, Map<String, String> annotations) {
    if (!annotations.isEmpty()) {
      descriptor.put("annotations", new LinkedHashMap<>(annotations));
    }
    return descriptor;
  }

  private static byte[] ociIndex(Map<String, Object> entry) {
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    index.put("manifests", List.of(entry));
    return json(index);
  }

  private byte[] configJson() {
    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    runtime.put("Cmd", List.of("/bin/sh"));
    runtime.put("Labels", Map.of("dev.berth.testkit.seed", Long.toString(seed)));
    List<Map<String, Object>> history = new ArrayList<>();
    for (int i = 0; i < layerTars.size(); i++) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("created", created.toString());
      step.put("created_by", "berth-testkit: layer " + i + " of seed " + seed);
      history.add(step);
    }
    Map<String, Object> rootfs = new LinkedHashMap<>();
    rootfs.put("type", "layers");
    rootfs.put("diff_ids", diffIds());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("created", created.toString());
    config.put("architecture", architecture);
    config.put("os", os);
    if (variant != null) {
      config.put("variant", variant);
    }
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

  /** {@code content} gzip-compressed; the same bytes for the same content on every run. */
  public static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException("could not gzip", e);
    }
    return out.toByteArray();
  }

  private static Path writeTarFile(Path tarFile, Map<String, byte[]> entries) {
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
    private List<String> repoTags = List.of();
    private String os = "linux";
    private String architecture = "amd64";
    private String variant;
    private boolean gzipLayers;
    private Instant created = EPOCH;

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
      this.repoTags = repoTag == null ? List.of() : List.of(repoTag);
      return this;
    }

    /** Several names for the {@code docker save} tar's RepoTags (the first also names OCI layouts). */
    public Builder repoTags(String... repoTags) {
      this.repoTags = List.of(repoTags);
      return this;
    }

    public Builder platform(String os, String architecture) {
      return platform(os, architecture, null);
    }

    /** The platform in the config and in an index entry; {@code variant} (e.g. v8) may be null. */
    public Builder platform(String os, String architecture, String variant) {
      this.os = os;
      this.architecture = architecture;
      this.variant = variant;
      return this;
    }

    /** Gzip-compresses the layers that manifests and OCI layouts reference (diff ids stay the tars'). */
    public Builder gzipLayers(boolean gzipLayers) {
      this.gzipLayers = gzipLayers;
      return this;
    }

    /** The config's creation time (what {@code images} shows as CREATED); fixed by default. */
    public Builder created(Instant created) {
      this.created = created;
      return this;
    }

    public SyntheticImage build() {
      return new SyntheticImage(this);
    }
  }
}
