package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoTemplate;
import dev.berth.cli.format.GoTemplate.Struct;
import dev.berth.cli.format.Units;
import dev.berth.client.image.Descriptor;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.UnpackedSizes;
import dev.berth.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth system df}: docker's summary (TYPE TOTAL ACTIVE SIZE RECLAIMABLE) for the one kind
 * of thing Berth keeps, images. SIZE is what the store's blobs take on disk; ACTIVE counts images
 * that have a name (Berth runs no containers); RECLAIMABLE is what {@code berth image prune} would
 * free: blobs no named image needs. {@code -v} lists each image with its shared and unique size.
 */
final class SystemDfCommand {
  private static final String TABLE = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
  private static final String VERBOSE_TABLE = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}";
  private static final Map<String, String> HEADERS = Map.of("Type", "TYPE", "TotalCount", "TOTAL", "Active", "ACTIVE",
      "Size", "SIZE", "Reclaimable", "RECLAIMABLE");

  static CommandSpec spec(CliContext context) {
    return CommandDef.of("df", "Show the disk space the local image store uses")
        .flag("Show detailed information on space usage", "-v", "--verbose")
        .option("FORMAT", "Format output using a custom template: 'table', 'table TEMPLATE', 'json', or a Go TEMPLATE."
            + " Fields: Type, TotalCount, Active, Size, Reclaimable", "--format")
        .runs(a -> new SystemDfCommand(context, a.flag("--verbose"), a.string("--format")).call());
  }

  private final CliContext context;
  private final boolean verbose;
  private final String format;

  SystemDfCommand(CliContext context, boolean verbose, String format) {
    this.context = context;
    this.verbose = verbose;
    this.format = format;
  }

  int call() {
    try {
      ImageStore store = ClientFactory.imageStore(context);
      List<LocalImage> images = LocalImage.all(store);
      if (verbose) {
        return verbose(store, images);
      }
      Set<Digest> ids = new HashSet<>();
      Set<Digest> named = new HashSet<>();
      Set<Digest> live = new HashSet<>();
      for (LocalImage image : images) {
        ids.add(image.id());
        if (!image.dangling()) {
          named.add(image.id());
          store.markReachable(image.stored.target(), live);
        }
      }
      long total = 0;
      long reclaimable = 0;
      try (Stream<java.nio.file.Path> files = Files.list(store.root().resolve("blobs/sha256"))) {
        for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) files::iterator) {
          long size = Files.size(file);
          total += size;
          String digest = "sha256:" + file.getFileName();
          if (!Digest.isValid(digest) || !live.contains(Digest.parse(digest))) {
            reclaimable += size;
          }
        }
      }
      String reclaim = Units.humanSize(reclaimable) + (total > 0 ? " (" + reclaimable * 100 / total + "%)" : "");
      Struct row = new Struct("diskUsage")
          .with("Active", Integer.toString(named.size()))
          .with("Reclaimable", reclaim)
          .with("Size", Units.humanSize(total))
          .with("TotalCount", Integer.toString(ids.size()))
          .with("Type", "Images");
      String chosen = format == null || format.isEmpty() || format.equals(Formatter.TABLE) ? TABLE : format;
      context.out().print(Formatter.render(chosen, List.of(row), HEADERS));
      return 0;
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }

  private int verbose(ImageStore store, List<LocalImage> images) throws IOException, GoTemplate.TemplateException {
    UnpackedSizes sizes = new UnpackedSizes(store);
    Map<Digest, Set<Digest>> imagesOfLayer = new HashMap<>();
    for (LocalImage image : images) {
      for (Descriptor layer : image.stored.manifest().layers()) {
        imagesOfLayer.computeIfAbsent(layer.digest(), d -> new HashSet<>()).add(image.id());
      }
    }
    List<LocalImage> sorted = new ArrayList<>(images);
    sorted.sort(ImagesCommand.NEWEST_FIRST);
    List<Struct> rows = new ArrayList<>();
    Instant now = Instant.now();
    for (LocalImage image : sorted) {
      long shared = 0;
      for (Descriptor layer : image.stored.manifest().layers()) {
        if (imagesOfLayer.get(layer.digest()).size() > 1) {
          shared += sizes.layerSize(layer);
        }
      }
      Struct row = ImagesCommand.row(image, now, true);
      row.put("Containers", "0");
      row.put("SharedSize", Units.humanSize(shared));
      row.put("UniqueSize", Units.humanSize(image.size - shared));
      row.put("Size", Units.humanSize(image.size));
      rows.add(row);
    }
    String chosen = format == null || format.isEmpty() || format.equals(Formatter.TABLE) ? VERBOSE_TABLE : format;
    if (Formatter.isTable(chosen)) {
      context.out().println("Images space usage:\n");
    }
    context.out().print(Formatter.render(chosen, rows, ImagesCommand.HEADERS));
    return 0;
  }
}
