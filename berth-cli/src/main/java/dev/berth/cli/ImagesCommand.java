package dev.berth.cli;

import dev.berth.client.image.Json;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Reference;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth images}: the table docker prints (REPOSITORY TAG IMAGE ID CREATED SIZE). */
@Command(name = "images", description = "List images in the local store")
final class ImagesCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]")
  String filter;

  @Option(names = {"-q", "--quiet"}, description = "Only show image IDs")
  boolean quiet;

  public ImagesCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try {
      ImageStore store = ClientFactory.imageStore(context);
      List<StoredImage> images = store.list();
      if (filter != null) {
        Reference wanted = ImageArgs.parse(filter);
        boolean tagGiven = filter.lastIndexOf(':') > filter.lastIndexOf('/');
        images = images.stream().filter(i -> i.name() != null
            && i.name().repository().equals(wanted.repository())
            && (!tagGiven || wanted.tag().equals(i.name().tag()))).toList();
      }
      if (quiet) {
        Set<String> ids = new LinkedHashSet<>();
        images.forEach(i -> ids.add(i.id().shortId()));
        ids.forEach(context.out()::println);
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
      Instant now = Instant.now();
      // newest first, as docker lists them
      Map<StoredImage, Instant> createdAt = new HashMap<>();
      for (StoredImage image : images) {
        createdAt.put(image, created(store, image));
      }
      List<StoredImage> sorted = new ArrayList<>(images);
      sorted.sort(Comparator.comparing((StoredImage i) -> createdAt.get(i), Comparator.nullsLast(Comparator.reverseOrder())));
      for (StoredImage image : sorted) {
        Instant created = createdAt.get(image);
        rows.add(new String[] {
          image.name() == null ? "<none>" : image.name().familiarRepository(),
          image.name() == null ? "<none>" : image.name().tag(),
          image.id().shortId(),
          created == null ? "N/A" : humanDuration(Duration.between(created, now)) + " ago",
          humanSize(image.manifest().contentSize()),
        });
      }
      printTable(rows);
      return 0;
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }

  private void printTable(List<String[]> rows) {
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        line.append(row[c]);
        if (c < row.length - 1) {
          line.append(" ".repeat(widths[c] - row[c].length() + 3));
        }
      }
      context.out().println(line.toString().stripTrailing());
    }
  }

  /** The config's {@code created} time, or null when absent or unreadable. */
  private static Instant created(ImageStore store, StoredImage image) {
    try {
      String created = Json.string(Json.parseObject(store.readSmallBlob(image.id()), "config"), "created");
      return created == null ? null : OffsetDateTime.parse(created).toInstant();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Like docker's go-units HumanDuration. */
  static String humanDuration(Duration d) {
    long seconds = Math.max(0, d.getSeconds());
    if (seconds < 1) {
      return "Less than a second";
    } else if (seconds == 1) {
      return "1 second";
    } else if (seconds < 60) {
      return seconds + " seconds";
    }
    long minutes = seconds / 60;
    if (minutes == 1) {
      return "About a minute";
    } else if (minutes < 60) {
      return minutes + " minutes";
    }
    long hours = Math.round(seconds / 3600.0);
    if (hours == 1) {
      return "About an hour";
    } else if (hours < 48) {
      return hours + " hours";
    } else if (hours < 24 * 7 * 2) {
      return hours / 24 + " days";
    } else if (hours < 24 * 30 * 2) {
      return hours / 24 / 7 + " weeks";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 / 30 + " months";
    }
    return hours / 24 / 365 + " years";
  }

  /** Like docker's go-units HumanSize: decimal units, four significant digits. */
  static String humanSize(long bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double size = bytes;
    int unit = 0;
    while (size >= 1000 && unit < units.length - 1) {
      size /= 1000;
      unit++;
    }
    String number = String.format(Locale.ROOT, "%.4g", size);
    if (number.contains(".")) {
      number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return number + units[unit];
  }
}
