package dev.berth.cli;

import dev.berth.client.image.Json;
import dev.berth.client.image.Platform;
import dev.berth.client.inspect.RemoteImage;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth inspect IMAGE...}: a local image as docker shows it, or, for {@code docker://NAME},
 * an image in a registry as {@code skopeo inspect} shows it (read without pulling:
 * {@link RemoteImage}). JSON by default (one {@code docker://} image: skopeo's object; otherwise
 * docker's array), or {@code --format}; {@code --raw} and {@code --config} print a registry
 * image's manifest and config as the registry holds them.
 */
@Command(name = "inspect", description = "Display detailed information on images, local or in a registry (docker://NAME)")
final class InspectCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin TransportArgs transport = new TransportArgs();

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "A local image, or docker://NAME[:TAG|@DIGEST] in a registry")
  List<String> images;

  @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE", description = "Format the output with a Go template, e.g. '{{.Digest}}'")
  String format;

  @Option(names = "--platform", paramLabel = "os/arch[/variant]", description = "From a multi-platform image (default: this machine's)")
  String platform;

  @Option(names = "--raw", description = "The registry's manifest (or index), byte for byte")
  boolean raw;

  @Option(names = "--config", description = "The image's config, byte for byte")
  boolean config;

  public InspectCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    TemplateFormat template = format == null ? null : TemplateFormat.parse(format);
    Platform wanted;
    try {
      wanted = platform == null ? Platform.current() : Platform.parse(platform);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if ((raw || config) && (images.size() != 1 || !images.getFirst().startsWith("docker://"))) {
      throw new UserError("--raw and --config take one registry image (docker://NAME)");
    }
    List<Object> found = new ArrayList<>();
    for (String argument : images) {
      try {
        if (argument.startsWith("docker://")) {
          RemoteImage image = remote(argument, wanted);
          if (raw || config) {
            context.out().print(new String(raw ? image.raw().content() : image.config(), StandardCharsets.UTF_8));
            context.out().println();
            return 0;
          }
          found.add(image.skopeoFields());
        } else {
          found.add(local(argument));
        }
      } catch (IOException e) {
        throw ImageArgs.failure(e);
      }
    }
    if (template != null) {
      found.forEach(f -> context.out().println(template.render(f)));
    } else if (found.size() == 1 && images.getFirst().startsWith("docker://")) {
      context.out().println(IndentedJson.of(found.getFirst()));
    } else {
      context.out().println(IndentedJson.of(found));
    }
    return 0;
  }

  private RemoteImage remote(String argument, Platform wanted) throws IOException {
    Reference ref = ImageArgs.parse(ImageArgs.withoutTransport(argument));
    RegistryClient client = ClientFactory.registryClient(context, ref, false, transport.options(context));
    try {
      return RemoteImage.read(client, ref, wanted);
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(e, "inspecting", ref);
      }
      throw e;
    }
  }

  /** The fields of docker's image inspect that the store knows. */
  private Map<String, Object> local(String argument) throws IOException {
    ImageStore store = ClientFactory.imageStore(context);
    StoredImage image = store.resolve(argument);
    Map<String, Object> cfg = Json.parseObject(store.readSmallBlob(image.id()), "config " + image.id());
    List<String> tags = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    for (StoredImage other : store.namesOf(image.target().digest())) {
      tags.add(other.name().familiar());
      digests.add(other.name().familiarRepository() + "@" + other.target().digest());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Id", image.id().toString());
    out.put("RepoTags", tags);
    out.put("RepoDigests", digests);
    out.put("Created", Json.string(cfg, "created"));
    out.put("Config", Json.object(cfg, "config"));
    out.put("Architecture", Json.string(cfg, "architecture"));
    if (Json.string(cfg, "variant") != null) {
      out.put("Variant", Json.string(cfg, "variant"));
    }
    out.put("Os", Json.string(cfg, "os"));
    out.put("Size", image.manifest().contentSize());
    Map<String, Object> rootfs = new LinkedHashMap<>();
    Map<String, Object> r = Json.object(cfg, "rootfs");
    rootfs.put("Type", r == null ? "layers" : Json.string(r, "type"));
    rootfs.put("Layers", r == null ? List.of() : Json.array(r, "diff_ids"));
    out.put("RootFS", rootfs);
    out.put("Descriptor", image.target().toJson());
    return out;
  }
}
