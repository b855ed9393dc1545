package dev.berth.cli;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Json;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.client.store.UnpackedSizes;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One index.json entry of the local store as the image commands see it: its name, image ID,
 * config, creation time and size, and whether it is an image at all. Non-image artifacts (a
 * manifest with an {@code artifactType}, or a config that is not an image config: Helm charts,
 * signatures, SBOMs) are kept in the store like images, but {@code images} lists them only with
 * {@code --all}.
 */
final class LocalImage {
  private static final Set<String> IMAGE_CONFIGS = Set.of(MediaTypes.OCI_CONFIG, MediaTypes.DOCKER_CONFIG);

  final StoredImage stored;
  /** The image config (empty for an artifact or an unreadable config). */
  final Map<String, Object> config;
  /** From the config (an artifact: its {@code org.opencontainers.image.created} annotation), or null. */
  final Instant created;
  /** Unpacked layer bytes for an image; the blobs' bytes for an artifact. */
  final long size;
  final boolean artifact;

  private LocalImage(StoredImage stored, Map<String, Object> config, Instant created, long size, boolean artifact) {
    this.stored = stored;
    this.config = config;
    this.created = created;
    this.size = size;
    this.artifact = artifact;
  }

  static List<LocalImage> all(ImageStore store) throws IOException {
    UnpackedSizes sizes = new UnpackedSizes(store);
    List<LocalImage> result = new ArrayList<>();
    for (StoredImage image : store.list()) {
      result.add(of(store, sizes, image));
    }
    return result;
  }

  static LocalImage of(ImageStore store, UnpackedSizes sizes, StoredImage image) throws IOException {
    Map<String, Object> manifest = Json.parseObject(store.readSmallBlob(image.manifestDescriptor().digest()),
        "manifest " + image.manifestDescriptor().digest());
    boolean artifact = Json.string(manifest, "artifactType") != null
        || !IMAGE_CONFIGS.contains(image.manifest().config().mediaType());
    if (artifact) {
      long size = image.manifest().config().size();
      for (Descriptor layer : image.manifest().layers()) {
        size += layer.size();
      }
      Map<String, Object> annotations = Json.object(manifest, "annotations");
      String created = annotations == null ? null : Json.string(annotations, "org.opencontainers.image.created");
      return new LocalImage(image, Map.of(), parseTime(created), size, true);
    }
    Map<String, Object> config;
    try {
      config = Json.parseObject(store.readSmallBlob(image.id()), "config " + image.id());
    } catch (IOException e) {
      config = Map.of();
    }
    return new LocalImage(image, config, parseTime(Json.string(config, "created")), sizes.imageSize(image.manifest()), false);
  }

  /**
   * An RFC 3339 time ({@code 2024-03-01T10:00:00.123456789Z}), or null. The common shape is read
   * by hand: java.time's parser reads fractions through BigDecimal, whose initialisation would
   * cost {@code images} more than everything else it does.
   */
  static Instant parseTime(String text) {
    if (text == null) {
      return null;
    }
    java.util.regex.Matcher m = RFC3339.matcher(text);
    if (m.matches()) {
      try {
        java.time.LocalDateTime local = java.time.LocalDateTime.of(
            Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
        String fraction = m.group(7) == null ? "" : m.group(7);
        int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
        int offset = 0;
        if (!m.group(8).equalsIgnoreCase("Z")) {
          offset = (m.group(8).charAt(0) == '-' ? -1 : 1)
              * (Integer.parseInt(m.group(8).substring(1, 3)) * 3600 + Integer.parseInt(m.group(8).substring(4, 6)) * 60);
        }
        return local.toInstant(java.time.ZoneOffset.ofTotalSeconds(offset)).plusNanos(nanos);
      } catch (java.time.DateTimeException | NumberFormatException e) {
        return null;
      }
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static final java.util.regex.Pattern RFC3339 = java.util.regex.Pattern.compile(
      "(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9})\\d*)?([Zz]|[+-]\\d{2}:\\d{2})");

  Digest id() {
    return stored.id();
  }

  boolean dangling() {
    return stored.name() == null;
  }

  /** {@code config.Labels} of the image config. */
  Map<String, Object> labels() {
    Map<String, Object> inner = Json.object(config, "config");
    Map<String, Object> labels = inner == null ? null : Json.object(inner, "Labels");
    return labels == null ? Map.of() : labels;
  }
}
