package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoTemplate;
import dev.berth.cli.format.GoTemplate.Struct;
import dev.berth.cli.format.Units;
import dev.berth.client.image.Json;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.DockerConfigFile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth images} / {@code berth image ls}: docker's table (REPOSITORY TAG IMAGE ID CREATED
 * SIZE), one row per name, newest first, with docker's flags and {@code --format} fields. SIZE is
 * the unpacked size (see {@link dev.berth.client.store.UnpackedSizes}), so an image ID has one size.
 */
final class ImagesCommand {
  static final String TABLE = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
  static final String TABLE_WITH_DIGEST = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
  static final Map<String, String> HEADERS = Map.ofEntries(
      Map.entry("ID", "IMAGE ID"), Map.entry("Repository", "REPOSITORY"), Map.entry("Tag", "TAG"),
      Map.entry("Digest", "DIGEST"), Map.entry("CreatedSince", "CREATED"), Map.entry("CreatedAt", "CREATED AT"),
      Map.entry("Size", "SIZE"), Map.entry("Containers", "CONTAINERS"), Map.entry("VirtualSize", "SIZE"),
      Map.entry("SharedSize", "SHARED SIZE"), Map.entry("UniqueSize", "UNIQUE SIZE"));
  /** Go's {@code time.Time.String()}; made only when a format shows CreatedAt. */
  private static final class GoTime {
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z z", Locale.ROOT);
  }

  static CommandSpec spec(CliContext context) {
    return CommandDef.of("images", "List images in the local store")
        .optionalArgument("REPOSITORY[:TAG]",
            "Only images with this name, or name:tag; * and ? match within a path component (as --filter reference=)")
        .flag("Show all images, also non-image artifacts (signatures, SBOMs, Helm charts, ...)", "-a", "--all")
        .flag("Only show image IDs", "-q", "--quiet")
        .flag("Show digests", "--digests")
        .flag("Don't truncate output", "--no-trunc")
        .repeatable("FILTER", "Filter output based on conditions provided: reference=PATTERN, dangling=true|false,"
            + " before=IMAGE, since=IMAGE, label=KEY or label=KEY=VALUE", "-f", "--filter")
        .option("FORMAT", "Format output using a custom template: 'table' (default), 'table TEMPLATE', 'json', or a Go"
            + " TEMPLATE such as '{{.Repository}}:{{.Tag}}'. Fields: ID, Repository, Tag, Digest, CreatedSince,"
            + " CreatedAt, Size, VirtualSize, SharedSize, UniqueSize, Containers", "--format")
        .runs(a -> new ImagesCommand(context, a).call());
  }

  private final CliContext context;
  private final String name;
  private final boolean all;
  private final boolean quiet;
  private final boolean digests;
  private final boolean noTrunc;
  private final List<String> filters;
  private final String format;

  ImagesCommand(CliContext context, CommandDef.Args a) {
    this.context = context;
    this.name = a.argument(0);
    this.all = a.flag("--all");
    this.quiet = a.flag("--quiet");
    this.digests = a.flag("--digests");
    this.noTrunc = a.flag("--no-trunc");
    this.filters = a.strings("--filter");
    this.format = a.string("--format");
  }

  int call() {
    ImageFilters f = ImageFilters.parse(filters, Set.of("reference", "dangling", "before", "since", "label"));
    if (name != null) {
      f.add("reference", name);
    }
    try {
      ImageStore store = ClientFactory.imageStore(context);
      List<LocalImage> images = LocalImage.all(store);
      Predicate<LocalImage> wanted = f.predicate(store, images);
      List<LocalImage> shown = new ArrayList<>();
      for (LocalImage image : images) {
        if ((all || !image.artifact) && wanted.test(image)) {
          shown.add(image);
        }
      }
      shown.sort(NEWEST_FIRST);
      Instant now = Instant.now();
      List<Struct> rows = new ArrayList<>();
      for (LocalImage image : shown) {
        rows.add(row(image, now, !noTrunc));
      }
      context.out().print(Formatter.render(chooseFormat(), rows, HEADERS));
      return 0;
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }

  /** As docker: --format, else config.json's imagesFormat (unless -q), else its table. */
  private String chooseFormat() {
    String chosen = format;
    if (chosen == null || chosen.isEmpty()) {
      String configured = quiet ? null : configuredFormat(context, "imagesFormat");
      chosen = configured != null ? configured : Formatter.TABLE;
    }
    if (chosen.equals(Formatter.TABLE)) {
      return quiet ? "{{.ID}}" : digests ? TABLE_WITH_DIGEST : TABLE;
    }
    if (Formatter.isTable(chosen) && digests && !chosen.contains("{{.Digest}}")) {
      chosen += "\t{{.Digest}}";
    }
    return chosen;
  }

  /**
   * A format docker users keep in config.json ({@code imagesFormat}, …); null when none or
   * unreadable (only read here: login and logout own that file).
   */
  static String configuredFormat(CliContext context, String key) {
    java.nio.file.Path file = context.dockerConfigDir().resolve(DockerConfigFile.FILE_NAME);
    try {
      if (!java.nio.file.Files.isRegularFile(file)) {
        return null;
      }
      Object value = Json.parseObject(java.nio.file.Files.readAllBytes(file), file.toString()).get(key);
      return value instanceof String s && !s.isEmpty() ? s : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static final Comparator<LocalImage> NEWEST_FIRST = Comparator
      .comparing((LocalImage i) -> i.created, Comparator.nullsLast(Comparator.reverseOrder()))
      .thenComparing(i -> i.dangling() ? "\uffff" : i.stored.name().familiar());

  /** docker's image row: the fields its --format knows, in the order {{json .}} prints them. */
  static Struct row(LocalImage image, Instant now, boolean trunc) {
    boolean named = !image.dangling();
    return new Struct("image")
        .with("Containers", "N/A")
        .lazy("CreatedAt", () -> image.created == null ? "" : GoTime.FORMAT.format(image.created.atZone(ZoneId.systemDefault())))
        .with("CreatedSince", image.created == null ? "" : Units.humanDuration(Duration.between(image.created, now)) + " ago")
        .with("Digest", image.stored.target().digest().toString())
        .with("ID", trunc ? image.id().shortId() : image.id().toString())
        .with("Repository", named ? image.stored.name().familiarRepository() : "<none>")
        .with("SharedSize", "N/A")
        .with("Size", Units.humanSize(image.size, 3))
        .with("Tag", named ? image.stored.name().tag() : "<none>")
        .with("UniqueSize", "N/A")
        .with("VirtualSize", Units.humanSize(image.size));
  }
}
