package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoJson;
import dev.berth.cli.format.GoTemplate;
import dev.berth.client.image.Json;
import dev.berth.client.image.Platform;
import dev.berth.client.inspect.RemoteImage;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredImage;
import dev.berth.client.store.UnpackedSizes;
import dev.berth.model.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth inspect} / {@code berth image inspect}: docker's JSON array for each image (its
 * field names and order), or {@code --format} applied to each. Arguments are looked up through
 * {@link Source}s: {@code docker://NAME} is an image in a registry, read without pulling it and
 * shown as {@code skopeo inspect} shows it ({@link RemoteImage}; one such argument alone prints
 * skopeo's object rather than an array); anything else is in the local store. {@code --raw} and
 * {@code --config} print a registry image's manifest and config byte for byte.
 */
final class InspectCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("inspect", "Display detailed information on one or more images, local or in a registry (docker://NAME)")
        .arguments("IMAGE", 1, "A local image: a name (app:1; no tag means latest) or an image ID (prefix);"
            + " or docker://NAME[:TAG|@DIGEST], an image in its registry")
        .option("FORMAT", "Format output using a custom template: 'json' (default), or a Go TEMPLATE such as"
            + " '{{.Id}}' or '{{json .Config}}' ('{{.Digest}}' for docker://NAME)", "-f", "--format")
        .option("TYPE", "Only 'image': Berth has no containers, volumes or networks", "--type")
        .option("os/arch[/variant]", "For docker://NAME of a multi-platform image, the platform to show"
            + " (default: this machine's)", "--platform")
        .flag("For one docker://NAME: its manifest (or index) as the registry holds it, byte for byte", "--raw")
        .flag("For one docker://NAME: its config as the registry holds it, byte for byte", "--config")
        .flag(TransportArgs.INSECURE_DESCRIPTION, "--insecure")
        .runs(a -> new InspectCommand(context, a.arguments(0), a.string("--format"), a.string("--type"),
            new Registry(context, a.string("--platform"), a.flag("--insecure")), a.flag("--raw"), a.flag("--config")).call());
  }

  private final CliContext context;
  private final List<String> images;
  private final String format;
  private final String type;
  private final Registry registry;
  private final boolean raw;
  private final boolean config;

  InspectCommand(CliContext context, List<String> images, String format, String type, Registry registry, boolean raw,
      boolean config) {
    this.context = context;
    this.images = images;
    this.format = format;
    this.type = type;
    this.registry = registry;
    this.raw = raw;
    this.config = config;
  }

  /** Where an argument is looked up; each source says which arguments are its own. */
  interface Source {
    boolean accepts(String argument);

    /** What the source shows for the argument (docker's {@code image.InspectResponse}, skopeo's output), as ordered maps. */
    GoTemplate.Struct inspect(String argument) throws IOException;
  }

  int call() {
    if (type != null && !type.equals("image")) {
      throw new UserError("unknown type " + type + ": berth inspects images only (--type image)");
    }
    boolean json;
    try {
      json = Formatter.indentedJsonOrChecked(format);
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    }
    boolean oneRemote = images.size() == 1 && registry.accepts(images.getFirst());
    if (raw || config) {
      if (!oneRemote) {
        throw new UserError("--raw and --config take one registry image (docker://NAME)");
      }
      return printRaw(images.getFirst());
    }
    List<Source> sources = List.of(registry, new Local(context));
    List<Object> found = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String argument : images) {
      try {
        Source source = sources.stream().filter(s -> s.accepts(argument)).findFirst().orElseThrow();
        found.add(source.inspect(argument));
      } catch (UserError e) {
        errors.add(e.getMessage());
      } catch (IOException e) {
        errors.add(ImageArgs.failure(e).getMessage());
      }
    }
    try {
      if (oneRemote && found.isEmpty()) {
        // skopeo inspect: nothing on stdout when the image cannot be read
      } else if (json) {
        context.out().println(GoJson.indent(oneRemote ? found.getFirst() : found, "    "));
      } else {
        context.out().print(Formatter.render(format, found, Map.of()));
      }
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    }
    errors.forEach(e -> context.err().println("Error: " + e));
    return errors.isEmpty() ? 0 : 1;
  }

  private int printRaw(String argument) {
    try {
      RemoteImage image = registry.read(argument);
      context.out().print(new String(raw ? image.raw().content() : image.config(), StandardCharsets.UTF_8));
      context.out().println();
      return 0;
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }

  /**
   * {@code docker://NAME}: an image in a registry, read without pulling it ({@link RemoteImage}):
   * the manifest (for an index, {@code --platform}'s or this machine's), its config and the
   * repository's tags, shown with the fields {@code skopeo inspect} prints.
   */
  static final class Registry implements Source {
    private static final String PREFIX = "docker://";
    private final CliContext context;
    private final String platform;
    private final boolean insecure;

    Registry(CliContext context, String platform, boolean insecure) {
      this.context = context;
      this.platform = platform;
      this.insecure = insecure;
    }

    @Override
    public boolean accepts(String argument) {
      return argument.startsWith(PREFIX);
    }

    @Override
    public GoTemplate.Struct inspect(String argument) throws IOException {
      GoTemplate.Struct out = new GoTemplate.Struct("inspectOutput");
      read(argument).skopeoFields().forEach(out::with);
      return out;
    }

    RemoteImage read(String argument) throws IOException {
      Platform wanted;
      try {
        wanted = platform == null ? Platform.current() : Platform.parse(platform);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      Reference ref = ImageArgs.parse(ImageArgs.withoutTransport(argument));
      RegistryClient client = ClientFactory.registryClient(context, ref, false, TransportArgs.options(context, insecure));
      try {
        return RemoteImage.read(client, ref, wanted);
      } catch (RegistryException e) {
        if (e.isAuthFailure()) {
          throw ImageArgs.authFailure(context, e, "inspecting", ref);
        }
        throw e;
      }
    }
  }

  /** The local store: by name or image ID, as {@code rmi} and {@code tag} find images. */
  static final class Local implements Source {
    private final CliContext context;

    Local(CliContext context) {
      this.context = context;
    }

    @Override
    public boolean accepts(String argument) {
      return true;
    }

    @Override
    public GoTemplate.Struct inspect(String argument) throws IOException {
      ImageStore store = ClientFactory.imageStore(context);
      StoredImage stored;
      try {
        stored = store.resolve(argument);
      } catch (StoreException e) {
        throw new UserError(e.getMessage());
      }
      UnpackedSizes sizes = new UnpackedSizes(store);
      LocalImage image = LocalImage.of(store, sizes, stored);
      Set<String> tags = new LinkedHashSet<>();
      Set<String> digests = new LinkedHashSet<>();
      for (StoredImage other : store.list()) {
        if (other.id().equals(stored.id()) && other.name() != null) {
          tags.add(other.name().familiar());
          digests.add(other.name().familiarRepository() + "@" + other.target().digest());
        }
      }
      return response(image, new ArrayList<>(tags), new ArrayList<>(digests));
    }
  }

  /** docker 28's {@code image.InspectResponse}, field by field, in its order. */
  static GoTemplate.Struct response(LocalImage image, List<String> repoTags, List<String> repoDigests) {
    Map<String, Object> config = image.config;
    GoTemplate.Struct r = new GoTemplate.Struct("image.InspectResponse");
    r.with("Id", image.id().toString());
    r.with("RepoTags", repoTags);
    r.with("RepoDigests", repoDigests);
    r.with("Parent", "");
    r.with("Comment", text(config, "comment"));
    if (Json.string(config, "created") != null) {
      r.with("Created", Json.string(config, "created"));
    }
    r.with("DockerVersion", text(config, "docker_version"));
    r.with("Author", text(config, "author"));
    r.with("Config", Json.object(config, "config"));
    r.with("Architecture", text(config, "architecture"));
    if (Json.string(config, "variant") != null) {
      r.with("Variant", Json.string(config, "variant"));
    }
    r.with("Os", text(config, "os"));
    if (Json.string(config, "os.version") != null) {
      r.with("OsVersion", Json.string(config, "os.version"));
    }
    r.with("Size", image.size);
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("Data", null);
    driver.put("Name", "");
    r.with("GraphDriver", driver);
    Map<String, Object> rootfs = new LinkedHashMap<>();
    Map<String, Object> configRootfs = Json.object(config, "rootfs");
    if (configRootfs != null) {
      rootfs.put("Type", text(configRootfs, "type"));
      rootfs.put("Layers", Json.array(configRootfs, "diff_ids"));
    }
    r.with("RootFS", rootfs);
    r.with("Metadata", Map.of("LastTagTime", "0001-01-01T00:00:00Z"));
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", image.stored.target().mediaType());
    descriptor.put("digest", image.stored.target().digest().toString());
    descriptor.put("size", image.stored.target().size());
    r.with("Descriptor", descriptor);
    return r;
  }

  private static String text(Map<String, Object> map, String key) {
    String s = Json.string(map, key);
    return s == null ? "" : s;
  }
}
