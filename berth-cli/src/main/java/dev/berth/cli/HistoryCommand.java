package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoTemplate;
import dev.berth.cli.format.GoTemplate.Struct;
import dev.berth.cli.format.Units;
import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Json;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredImage;
import dev.berth.client.store.UnpackedSizes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth history IMAGE}: the config's history, newest first, in docker's table (IMAGE
 * CREATED CREATED BY SIZE COMMENT). Each step that made a layer shows that layer's unpacked size;
 * the newest step is named by the image ID, the others {@code <missing>}, as docker shows an image
 * it did not build itself.
 */
final class HistoryCommand {
  private static final String TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
  private static final String TABLE_NOT_HUMAN = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
  private static final Map<String, String> HEADERS = Map.of("ID", "IMAGE", "CreatedSince", "CREATED",
      "CreatedAt", "CREATED AT", "CreatedBy", "CREATED BY", "Size", "SIZE", "Comment", "COMMENT");
  /** Steps created before this are shown as N/A, as docker does. */
  private static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");

  static CommandSpec spec(CliContext context) {
    return CommandDef.of("history", "Show the history of an image")
        .argument("IMAGE", "A local image: a name (app:1) or an image ID (prefix)")
        .flagWithValue("Print sizes and dates in human readable format (default true; -H=false for bytes and RFC 3339 times)",
            true, "-H", "--human")
        .flag("Only show image IDs", "-q", "--quiet")
        .flag("Don't truncate output", "--no-trunc")
        .option("FORMAT", "Format output using a custom template: 'table', 'table TEMPLATE', 'json', or a Go TEMPLATE."
            + " Fields: ID, CreatedSince, CreatedAt, CreatedBy, Size, Comment", "--format")
        .runs(a -> new HistoryCommand(context, a).call());
  }

  private final CliContext context;
  private final String image;
  private final boolean human;
  private final boolean quiet;
  private final boolean noTrunc;
  private final String format;

  HistoryCommand(CliContext context, CommandDef.Args a) {
    this.context = context;
    this.image = a.argument(0);
    this.human = a.flag("--human");
    this.quiet = a.flag("--quiet");
    this.noTrunc = a.flag("--no-trunc");
    this.format = a.string("--format");
  }

  int call() {
    try {
      ImageStore store = ClientFactory.imageStore(context);
      StoredImage stored;
      try {
        stored = store.resolve(image);
      } catch (StoreException e) {
        throw new UserError(e.getMessage());
      }
      LocalImage local = LocalImage.of(store, new UnpackedSizes(store), stored);
      List<Struct> rows = rows(local, new UnpackedSizes(store), Instant.now());
      String chosen = format == null || format.isEmpty() || format.equals(Formatter.TABLE)
          ? (quiet ? "{{.ID}}" : human ? TABLE : TABLE_NOT_HUMAN)
          : format;
      context.out().print(Formatter.render(chosen, rows, HEADERS));
      return 0;
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }

  private List<Struct> rows(LocalImage image, UnpackedSizes sizes, Instant now) throws IOException {
    List<Descriptor> layers = image.stored.manifest().layers();
    List<Object> history = Json.array(image.config, "history");
    List<Struct> rows = new ArrayList<>();
    int layer = 0;
    if (history.isEmpty()) {
      for (Descriptor d : layers) {
        rows.add(row(null, "", "", sizes.layerSize(d), now));
      }
    }
    for (Object entry : history) {
      @SuppressWarnings("unchecked")
      Map<String, Object> step = entry instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      long size = 0;
      if (!Boolean.TRUE.equals(step.get("empty_layer")) && layer < layers.size()) {
        size = sizes.layerSize(layers.get(layer++));
      }
      rows.add(row(LocalImage.parseTime(Json.string(step, "created")), text(step, "created_by"), text(step, "comment"), size, now));
    }
    Collections.reverse(rows);
    for (int i = 0; i < rows.size(); i++) {
      rows.get(i).put("ID", i > 0 ? "<missing>" : noTrunc ? image.id().toString() : image.id().shortId());
    }
    return rows;
  }

  private Struct row(Instant created, String createdBy, String comment, long size, Instant now) {
    String at = created == null ? "" : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
        created.atZone(ZoneId.systemDefault()).toOffsetDateTime().withNano(0));
    String since = !human ? at
        : created == null || !created.isAfter(EPOCH) ? "N/A"
        : Units.humanDuration(Duration.between(created, now)) + " ago";
    String by = createdBy.replace('\t', ' ');
    if (!noTrunc && by.codePointCount(0, by.length()) > 45) {
      by = by.substring(0, by.offsetByCodePoints(0, 44)) + "…";
    }
    return new Struct("history")
        .with("Comment", comment)
        .with("CreatedAt", at)
        .with("CreatedBy", by)
        .with("CreatedSince", since)
        .with("ID", "")
        .with("Size", human ? Units.humanSize(size, 3) : Long.toString(size));
  }

  private static String text(Map<String, Object> map, String key) {
    String s = Json.string(map, key);
    return s == null ? "" : s;
  }
}
