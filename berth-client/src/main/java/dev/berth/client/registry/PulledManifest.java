package dev.berth.client.registry;

import dev.berth.client.image.Json;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import java.io.IOException;
import java.util.Map;

/** A manifest's exact bytes as the registry sent them, their media type, and their verified digest. */
public record PulledManifest(byte[] content, String mediaType, Digest digest) {
  /** What the manifest is: the JSON's own mediaType wins over the header; an index is recognised by its manifests. */
  public String contentType() throws IOException {
    Map<String, Object> json = Json.parseObject(content, "manifest " + digest);
    String declared = Json.string(json, "mediaType");
    if (declared != null) {
      return declared;
    }
    if (mediaType != null && MediaTypes.MANIFESTS.contains(mediaType)) {
      return mediaType;
    }
    return json.containsKey("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
  }
}
