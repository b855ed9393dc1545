package dev.berth.cli;

import dev.berth.cli.format.GoJson;
import dev.berth.client.image.Descriptor;
import dev.berth.client.image.ImageIndex;
import dev.berth.client.image.Json;
import dev.berth.client.registry.PulledManifest;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.model.ErrorCode;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth manifest inspect NAME[:TAG|@DIGEST]}: the manifest or index a registry holds under
 * that name, exactly as stored (its own key order and numbers), indented as docker prints it: a
 * manifest with tabs, a list or index with three spaces. {@code -v} adds each manifest's
 * reference, descriptor and raw bytes.
 */
final class ManifestInspectCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("inspect", "Display an image manifest, or manifest list, from a registry")
        .argument("MANIFEST", "The image in its registry, e.g. 127.0.0.1:5000/team/app:1 or .../app@sha256:...;"
            + " no tag means latest")
        .flag("Output additional info including the reference, descriptor and raw manifest", "-v", "--verbose")
        .flag(TransportArgs.INSECURE_DESCRIPTION, "--insecure")
        .runs(a -> new ManifestInspectCommand(context, a.argument(0), a.flag("--verbose"), a.flag("--insecure")).call());
  }

  private final CliContext context;
  private final String image;
  private final boolean verbose;
  private final boolean insecure;

  ManifestInspectCommand(CliContext context, String image, boolean verbose, boolean insecure) {
    this.context = context;
    this.image = image;
    this.verbose = verbose;
    this.insecure = insecure;
  }

  int call() {
    Reference ref = ImageArgs.parse(image);
    try {
      RegistryClient client = ClientFactory.registryClient(context, ref, false, TransportArgs.options(context, insecure));
      PulledManifest top = client.getManifest(ref.digest() != null ? ref.digest().toString() : ref.tag());
      String raw = new String(top.content(), StandardCharsets.UTF_8);
      Map<String, Object> json = Json.parseObject(top.content(), "manifest of " + ref.familiar());
      String mediaType = Json.string(json, "mediaType") != null ? Json.string(json, "mediaType") : top.mediaType();
      boolean index = MediaTypes.isIndex(mediaType) || json.containsKey("manifests");
      if (!verbose) {
        context.out().println(GoJson.reindent(raw, index ? "   " : "\t"));
        return 0;
      }
      if (!index) {
        context.out().println(GoJson.indent(verbose(ref, top, mediaType, json, null), "\t"));
        return 0;
      }
      List<Object> entries = new ArrayList<>();
      for (Descriptor child : ImageIndex.parse(top.content(), "index of " + ref.familiar()).manifests()) {
        PulledManifest m = client.getManifest(child.digest().toString());
        entries.add(verbose(ref, m, child.mediaType(), Json.parseObject(m.content(), "manifest " + child.digest()), child.platform()));
      }
      context.out().println(GoJson.indent(entries, "\t"));
      return 0;
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(context, e, "inspecting", ref);
      }
      if (e.code() == ErrorCode.MANIFEST_UNKNOWN || e.code() == ErrorCode.NAME_UNKNOWN || e.status() == 404) {
        throw new UserError("no such manifest: " + ref.canonical());
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }

  /** docker's verbose form: Ref, Descriptor, Raw (base64), and the parsed manifest. */
  private static Map<String, Object> verbose(Reference ref, PulledManifest m, String mediaType,
      Map<String, Object> json, Map<String, Object> platform) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", m.digest().toString());
    descriptor.put("size", m.content().length);
    if (platform != null) {
      descriptor.put("platform", platform);
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("Ref", ref.repository() + "@" + m.digest());
    v.put("Descriptor", descriptor);
    v.put("Raw", Base64.getEncoder().encodeToString(m.content()));
    v.put(MediaTypes.DOCKER_MANIFEST.equals(mediaType) ? "SchemaV2Manifest" : "OCIManifest", json);
    return v;
  }
}
