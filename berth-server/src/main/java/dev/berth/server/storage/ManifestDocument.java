package dev.berth.server.storage;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the registry needs to know of a manifest: its media type, the descriptors it references
 * and its {@code subject}. Parsing also validates: a document whose media type contradicts its
 * shape, or whose descriptors are malformed, is MANIFEST_INVALID.
 */
public record ManifestDocument(
    String mediaType,
    List<Descriptor> blobs,
    List<Descriptor> manifests,
    Descriptor subject,
    String artifactType,
    Map<String, Object> annotations) {

  /** A content descriptor as it appears in a manifest. */
  public record Descriptor(String mediaType, Digest digest, long size) {}

  private static final String FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Whether the registry can serve this descriptor's content (foreign layers live elsewhere). */
  public static boolean mustExist(Descriptor d) {
    return !FOREIGN_LAYER.equals(d.mediaType());
  }

  /**
   * Parses and validates {@code content} sent with the given Content-Type (may be null).
   *
   * @throws StorageException MANIFEST_INVALID with a message naming the problem
   */
  public static ManifestDocument parse(byte[] content, String contentType) {
    return parse(content, contentType, true);
  }

  /**
   * Parses a manifest the registry already holds. Descriptor sizes are read as they are: earlier
   * versions accepted sizes such as {@code 1.5}, and such a manifest must stay readable (and its
   * blobs referenced) rather than break pulls and garbage collection.
   */
  public static ManifestDocument stored(byte[] content) {
    return parse(content, null, false);
  }

  private static ManifestDocument parse(byte[] content, String contentType, boolean strict) {
    Map<String, Object> doc;
    try {
      doc = JSON.std.mapFrom(content);
    } catch (IOException | RuntimeException e) {
      throw invalid("manifest is not a JSON object");
    }
    if (doc == null) {
      throw invalid("manifest is not a JSON object");
    }
    if (!(doc.get("schemaVersion") instanceof Number n) || n.intValue() != 2) {
      throw invalid("manifest schemaVersion must be 2");
    }
    String declared = optionalString(doc, "mediaType");
    String header = contentType == null ? null : baseType(contentType);
    boolean isIndexShape = doc.containsKey("manifests");
    boolean isManifestShape = doc.containsKey("config") || doc.containsKey("layers");
    if (isIndexShape && isManifestShape) {
      throw invalid("manifest has both manifests and config/layers");
    }
    String mediaType;
    if (declared != null) {
      if (header != null && MediaTypes.MANIFESTS.contains(header) && !header.equals(declared)) {
        throw invalid("Content-Type " + header + " contradicts the manifest's mediaType " + declared);
      }
      mediaType = declared;
    } else if (header != null && MediaTypes.MANIFESTS.contains(header)) {
      mediaType = header;
    } else {
      mediaType = isIndexShape ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    if (!MediaTypes.MANIFESTS.contains(mediaType)) {
      throw invalid("unsupported manifest media type: " + mediaType);
    }
    if (declared == null && mediaType.startsWith("application/vnd.docker.")) {
      throw invalid("a " + mediaType + " must declare its mediaType");
    }
    boolean index = MediaTypes.isIndex(mediaType);
    if (index && isManifestShape || !index && isIndexShape) {
      throw invalid("the content of the manifest contradicts its media type " + mediaType);
    }
    List<Descriptor> blobs = new ArrayList<>();
    List<Descriptor> children = new ArrayList<>();
    String artifactType = optionalString(doc, "artifactType");
    if (index) {
      children.addAll(descriptors(doc.get("manifests"), "manifests", strict));
    } else {
      if (!(doc.get("config") instanceof Map<?, ?> config)) {
        throw invalid("manifest has no config descriptor");
      }
      Descriptor cfg = descriptor(config, "config", strict);
      blobs.add(cfg);
      blobs.addAll(descriptors(doc.get("layers"), "layers", strict));
      if (artifactType == null && !MediaTypes.OCI_EMPTY.equals(cfg.mediaType())
          && MediaTypes.OCI_MANIFEST.equals(mediaType)) {
        artifactType = cfg.mediaType(); // the referrers API reports the config type then
      }
    }
    Descriptor subject = null;
    if (doc.get("subject") != null) {
      if (!(doc.get("subject") instanceof Map<?, ?> s)) {
        throw invalid("manifest subject is not a descriptor");
      }
      subject = descriptor(s, "subject", strict);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> annotations =
        doc.get("annotations") instanceof Map<?, ?> a ? (Map<String, Object>) a : null;
    return new ManifestDocument(mediaType, blobs, children, subject, artifactType, annotations);
  }

  private static List<Descriptor> descriptors(Object value, String field, boolean strict) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw invalid("manifest field " + field + " is not a list");
    }
    List<Descriptor> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m)) {
        throw invalid("manifest field " + field + " holds a non-descriptor");
      }
      out.add(descriptor(m, field, strict));
    }
    return out;
  }

  private static Descriptor descriptor(Map<?, ?> m, String field, boolean strict) {
    Object digest = m.get("digest");
    if (!(digest instanceof String d) || !Digest.isValid(d)) {
      throw invalid("descriptor in " + field + " has an invalid digest: " + digest);
    }
    Object size = m.get("size");
    if (!(size instanceof Number number) || number.longValue() < 0 || strict && !isLong(number)) {
      throw invalid("descriptor " + digest + " in " + field + " has an invalid size: " + size
          + " (expected a non-negative integer)");
    }
    Object mediaType = m.get("mediaType");
    if (mediaType != null && !(mediaType instanceof String)) {
      throw invalid("descriptor " + digest + " in " + field + " has an invalid mediaType");
    }
    return new Descriptor((String) mediaType, Digest.parse(d), number.longValue());
  }

  /**
   * Whether a JSON number is an integer that fits in a long: the parser gives integers as
   * Integer, Long or (past a long) BigInteger, and anything with a fraction or an exponent
   * ({@code 1.5}, {@code 1e3}, {@code 1e400}) as a floating-point type.
   */
  private static boolean isLong(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || n instanceof java.math.BigInteger big && big.bitLength() < Long.SIZE;
  }

  private static String optionalString(Map<String, Object> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw invalid("manifest field " + key + " is not a string");
    }
    return s;
  }

  /** {@code application/x; charset=utf-8} → {@code application/x}. */
  static String baseType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static StorageException invalid(String message) {
    return new StorageException(StorageException.Reason.MANIFEST_INVALID, message);
  }
}
