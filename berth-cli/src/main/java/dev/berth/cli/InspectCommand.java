package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoJson;
import dev.berth.cli.format.GoTemplate;
import dev.berth.client.image.Json;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredImage;
import dev.berth.client.store.UnpackedSizes;
import java.io.IOException;
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
 * {@link Source}s: the local store now; a registry ({@code docker://NAME}) is the next source.
 */
final class InspectCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("inspect", "Display detailed information on one or more images")
        .arguments("IMAGE", 1, "A local image: a name (app:1; no tag means latest) or an image ID (prefix)")
        .option("FORMAT", "Format output using a custom template: 'json' (default), or a Go TEMPLATE such as"
            + " '{{.Id}}' or '{{json .Config}}'", "-f", "--format")
        .option("TYPE", "Only 'image': Berth has no containers, volumes or networks", "--type")
        .runs(a -> new InspectCommand(context, a.arguments(0), a.string("--format"), a.string("--type")).call());
  }

  private final CliContext context;
  private final List<String> images;
  private final String format;
  private final String type;

  InspectCommand(CliContext context, List<String> images, String format, String type) {
    this.context = context;
    this.images = images;
    this.format = format;
    this.type = type;
  }

  /** Where an argument is looked up; each source says which arguments are its own. */
  interface Source {
    boolean accepts(String argument);

    /** docker's {@code image.InspectResponse} for the argument, as ordered maps. */
    GoTemplate.Struct inspect(String argument) throws IOException;
  }

  int call() {
    if (type != null && !type.equals("image")) {
      throw new UserError("unknown type " + type + ": berth inspects images only (--type image)");
    }
    List<Source> sources = List.of(new Registry(), new Local(context));
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
      if (format == null || format.isEmpty() || format.equals(Formatter.JSON)) {
        context.out().println(GoJson.indent(found, "    "));
      } else {
        context.out().print(Formatter.render(format, found, Map.of()));
      }
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    }
    errors.forEach(e -> context.err().println("Error: " + e));
    return errors.isEmpty() ? 0 : 1;
  }

  /** {@code docker://NAME}: an image in a registry, without pulling it (issue 9). */
  private static final class Registry implements Source {
    @Override
    public boolean accepts(String argument) {
      return argument.startsWith("docker://");
    }

    @Override
    public GoTemplate.Struct inspect(String argument) {
      throw new UserError("inspecting an image in a registry (" + argument + ") is not supported yet;"
          + " 'manifest inspect " + argument.substring("docker://".length()) + "' shows its manifest");
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
