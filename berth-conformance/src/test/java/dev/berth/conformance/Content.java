package dev.berth.conformance;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticImage.Blob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Test content: random blobs, images, and artifacts that refer to a subject. */
final class Content {

  static final String EMPTY_CONFIG_TYPE = "application/vnd.oci.empty.v1+json";
  static final Blob EMPTY_CONFIG = new Blob(EMPTY_CONFIG_TYPE, "{}".getBytes());

  /** {@code size} random bytes: every call a different blob, so checks never share content. */
  static Blob randomBlob(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    return new Blob("application/octet-stream", bytes);
  }

  /** A fresh seed for a synthetic image no other check uses. */
  static long seed() {
    return ThreadLocalRandom.current().nextLong();
  }

  /** A small image that no other check uses (different seed, so different digests). */
  static SyntheticImage image() {
    return SyntheticImage.builder().seed(seed()).layerSizes(300, 700).build();
  }

  /**
   * An OCI artifact manifest (empty config, one layer) with {@code artifactType}, an annotation,
   * and {@code subject} pointing at another manifest.
   */
  static Blob artifact(String artifactType, Blob layer, Blob subject, String annotation) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", SyntheticImage.OCI_MANIFEST);
    manifest.put("artifactType", artifactType);
    manifest.put("config", EMPTY_CONFIG.descriptor());
    manifest.put("layers", List.of(layer.descriptor()));
    manifest.put("subject", subject.descriptor());
    manifest.put("annotations", Map.of("org.example.note", annotation));
    return new Blob(SyntheticImage.OCI_MANIFEST, json(manifest));
  }

  /** An OCI image manifest naming the given config and layers (which may not exist). */
  static Blob manifest(Blob config, List<Blob> layers) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", SyntheticImage.OCI_MANIFEST);
    manifest.put("config", config.withMediaType(SyntheticImage.OCI_CONFIG).descriptor());
    manifest.put("layers",
        layers.stream().map(l -> l.withMediaType(SyntheticImage.OCI_LAYER).descriptor()).toList());
    return new Blob(SyntheticImage.OCI_MANIFEST, json(manifest));
  }

  static byte[] json(Object value) {
    try {
      return JSON.std.asBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Content() {}
}
