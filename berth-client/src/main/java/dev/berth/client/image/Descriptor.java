package dev.berth.client.image;

import dev.berth.model.Digest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OCI content descriptor: what a blob is, its digest and size, plus the annotations and platform
 * an index entry may carry. Unknown fields are kept in {@code extra}-free form: we only write what we
 * read or built ourselves.
 */
public record Descriptor(
    String mediaType, Digest digest, long size, Map<String, String> annotations, Map<String, Object> platform) {

  public static final String REF_NAME = "org.opencontainers.image.ref.name";
  public static final String CONTAINERD_NAME = "io.containerd.image.name";

  public Descriptor {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, Map.of(), null);
  }

  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, digest, size, newAnnotations, platform);
  }

  public String annotation(String key) {
    return annotations.get(key);
  }

  public static Descriptor fromJson(Object json, String what) throws IOException {
    if (!(json instanceof Map<?, ?> raw)) {
      throw new IOException("invalid descriptor in " + what);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) raw;
    String digestText = Json.string(map, "digest");
    if (digestText == null || !(map.get("size") instanceof Number size)) {
      throw new IOException("invalid descriptor in " + what + ": digest and size are required");
    }
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid descriptor in " + what + ": " + e.getMessage());
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<String, Object> rawAnnotations = Json.object(map, "annotations");
    if (rawAnnotations != null) {
      rawAnnotations.forEach((k, v) -> {
        if (v instanceof String s) {
          annotations.put(k, s);
        }
      });
    }
    // sizes bound what is read: 1.5, 1e3 or 1e400 must not become some other number of bytes
    boolean integral = size instanceof Integer || size instanceof Long
        || (size instanceof java.math.BigInteger big && big.bitLength() < 64);
    if (!integral || size.longValue() < 0) {
      throw new IOException("invalid descriptor in " + what + ": size must be a non-negative integer, not " + size);
    }
    return new Descriptor(Json.string(map, "mediaType"), digest, size.longValue(), annotations,
        Json.object(map, "platform"));
  }

  public Map<String, Object> toJson() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("mediaType", mediaType);
    map.put("digest", digest.toString());
    map.put("size", size);
    if (!annotations.isEmpty()) {
      map.put("annotations", new java.util.TreeMap<>(annotations));
    }
    if (platform != null) {
      map.put("platform", platform);
    }
    return map;
  }

  /** {@code os/architecture[/variant]}, or null. */
  public String platformName() {
    if (platform == null) {
      return null;
    }
    String name = platform.get("os") + "/" + platform.get("architecture");
    return platform.get("variant") instanceof String v ? name + "/" + v : name;
  }
}
