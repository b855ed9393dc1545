package dev.berth.client.image;

import dev.berth.model.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed image manifest (OCI or Docker schema 2): a config and layers. The original bytes stay
 * the source of truth; this is only a reading of them.
 */
public record Manifest(String mediaType, Descriptor config, List<Descriptor> layers) {

  public static Manifest parse(byte[] bytes, String declaredMediaType, String what) throws IOException {
    Map<String, Object> json = Json.parseObject(bytes, what);
    String mediaType = Json.string(json, "mediaType");
    if (mediaType == null) {
      mediaType = declaredMediaType != null ? declaredMediaType : MediaTypes.OCI_MANIFEST;
    }
    if (MediaTypes.isIndex(mediaType) || json.containsKey("manifests")) {
      throw new IOException(what + " is an image index, not a manifest");
    }
    if (!(json.get("config") instanceof Map<?, ?>)) {
      throw new IOException("invalid " + what + ": no config");
    }
    Descriptor config = Descriptor.fromJson(json.get("config"), what);
    List<Descriptor> layers = new ArrayList<>();
    for (Object layer : Json.array(json, "layers")) {
      layers.add(Descriptor.fromJson(layer, what));
    }
    return new Manifest(mediaType, config, List.copyOf(layers));
  }

  /** The canonical bytes of an OCI manifest we build ourselves (docker-save import). */
  public static byte[] buildOci(Descriptor config, List<Descriptor> layers) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("schemaVersion", 2);
    json.put("mediaType", MediaTypes.OCI_MANIFEST);
    json.put("config", config.toJson());
    List<Object> layerJson = new ArrayList<>();
    layers.forEach(l -> layerJson.add(l.toJson()));
    json.put("layers", layerJson);
    return Json.write(json);
  }

  /** Sum of config and layer sizes: what the image takes in the store. */
  public long contentSize() {
    long size = config.size();
    for (Descriptor layer : layers) {
      size += layer.size();
    }
    return size;
  }
}
