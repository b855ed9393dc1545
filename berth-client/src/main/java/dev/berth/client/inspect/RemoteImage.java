package dev.berth.client.inspect;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Json;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Platform;
import dev.berth.client.registry.PulledManifest;
import dev.berth.client.registry.RegistryClient;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image in a registry, read without pulling it: its manifest (for a multi-platform index, the
 * platform asked for), its config, and the repository's tags; what {@code skopeo inspect
 * docker://…} shows, for any command that wants it ({@code berth inspect docker://…}).
 *
 * @param reference the image as named
 * @param raw the manifest (or index) the name points at, byte for byte
 * @param manifest the image manifest read for the platform (equal to {@code raw} without an index)
 * @param config the image config's bytes
 * @param tags the repository's tags
 */
public record RemoteImage(Reference reference, PulledManifest raw, PulledManifest manifest, Manifest parsed, byte[] config,
    List<String> tags) {

  /** The most a config is read: configs are small JSON, and a manifest declares their size. */
  private static final long MAX_CONFIG = 16L * 1024 * 1024;

  /** Reads {@code ref} from the registry {@code client} talks to; {@code platform} chooses from an index. */
  public static RemoteImage read(RegistryClient client, Reference ref, Platform platform) throws IOException {
    PulledManifest top = client.getManifest(ref.digest() != null ? ref.digest().toString() : ref.tag());
    String topType = top.contentType();
    PulledManifest chosen = top;
    String type = topType;
    if (MediaTypes.isIndex(topType)) {
      ImageIndex index = ImageIndex.parse(top.content(), "index " + top.digest());
      Descriptor d = index.select(platform).orElseThrow(() -> new IOException(index.noMatch(platform, ref.familiar()) + ")"));
      chosen = client.getManifest(d.digest().toString(), d.size());
      type = d.mediaType() != null ? d.mediaType() : chosen.contentType();
    }
    Manifest parsed = Manifest.parse(chosen.content(), type, "manifest " + chosen.digest());
    Descriptor c = parsed.config();
    if (c.size() > MAX_CONFIG) {
      throw new IOException("the config of " + ref.familiar() + " declares " + c.size() + " bytes, more than a config may have");
    }
    byte[] config = configBytes(client, c);
    return new RemoteImage(ref, top, chosen, parsed, config, client.listTags());
  }

  private static byte[] configBytes(RegistryClient client, Descriptor c) throws IOException {
    return client.readBlob(c.digest(), c.size());
  }

  /**
   * The fields {@code skopeo inspect} prints, in its order: Name, Digest, RepoTags, Created,
   * DockerVersion, Labels, Architecture, Os, Layers, LayersData, Env (and Variant when there is one).
   */
  public Map<String, Object> skopeoFields() throws IOException {
    Map<String, Object> cfg = Json.parseObject(config, "config of " + reference.familiar());
    Map<String, Object> inner = Json.object(cfg, "config");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Name", reference.repository());
    out.put("Digest", raw.digest().toString());
    out.put("RepoTags", tags);
    out.put("Created", Json.string(cfg, "created"));
    out.put("DockerVersion", text(cfg, "docker_version"));
    Map<String, Object> labels = inner == null ? null : Json.object(inner, "Labels");
    out.put("Labels", labels);
    out.put("Architecture", text(cfg, "architecture"));
    if (Json.string(cfg, "variant") != null) {
      out.put("Variant", Json.string(cfg, "variant"));
    }
    out.put("Os", text(cfg, "os"));
    List<String> layers = new ArrayList<>();
    List<Object> layersData = new ArrayList<>();
    for (Descriptor l : parsed.layers()) {
      layers.add(l.digest().toString());
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("MIMEType", l.mediaType());
      d.put("Digest", l.digest().toString());
      d.put("Size", l.size());
      d.put("Annotations", l.annotations().isEmpty() ? null : l.annotations());
      layersData.add(d);
    }
    out.put("Layers", layers);
    out.put("LayersData", layersData);
    out.put("Env", inner == null ? null : inner.get("Env"));
    return out;
  }

  private static String text(Map<String, Object> map, String key) {
    String s = Json.string(map, key);
    return s == null ? "" : s;
  }
}
