package dev.berth.cli;

import dev.berth.cli.format.Units;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.client.store.UnpackedSizes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth image prune}: removes dangling images (no name), or with {@code -a} every image
 * (Berth runs no containers, so no image is in use), then the blobs nothing references any more.
 * Asks first unless {@code -f}, and reports as docker does (Deleted Images, Total reclaimed space).
 */
final class PruneCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("prune", "Remove unused images")
        .flag("Remove all images, not just dangling ones", "-a", "--all")
        .flag("Do not prompt for confirmation", "-f", "--force")
        .repeatable("FILTER", "Provide filter values: until=TIMESTAMP|DURATION (e.g. until=24h), label=KEY or"
            + " label=KEY=VALUE", "--filter")
        .runs(a -> new PruneCommand(context, a.flag("--all"), a.flag("--force"), a.strings("--filter")).call());
  }

  private final CliContext context;
  private final boolean all;
  private final boolean force;
  private final List<String> filters;

  PruneCommand(CliContext context, boolean all, boolean force, List<String> filters) {
    this.context = context;
    this.all = all;
    this.force = force;
    this.filters = filters;
  }

  int call() {
    ImageFilters f = ImageFilters.parse(filters, Set.of("until", "label"));
    if (!force) {
      context.out().print(all
          ? "WARNING! This will remove all images in the local store.\nAre you sure you want to continue? [y/N] "
          : "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
      context.out().flush();
      String answer;
      try {
        answer = context.stdinReader().readLine();
      } catch (IOException e) {
        answer = null;
      }
      if (answer == null || !(answer.strip().equals("y") || answer.strip().equals("Y"))) {
        return 0; // cancelled: docker says nothing more and succeeds
      }
    }
    try {
      ImageStore store = ClientFactory.imageStore(context);
      List<LocalImage> images = LocalImage.all(store);
      Predicate<LocalImage> wanted = f.predicate(store, images);
      StringBuilder report = new StringBuilder();
      long before = blobBytes(store);
      List<LocalImage> removed = new ArrayList<>();
      for (LocalImage image : images) {
        if ((all || image.dangling()) && wanted.test(image)) {
          store.removeEntry(image.stored);
          removed.add(image);
          if (!image.dangling()) {
            report.append("untagged: ").append(image.stored.name().familiar()).append('\n');
          }
        }
      }
      List<StoredImage> left = store.list();
      List<String> deletedIds = new ArrayList<>();
      for (LocalImage image : removed) {
        String id = image.id().toString();
        if (left.stream().noneMatch(i -> i.id().equals(image.id())) && !deletedIds.contains(id)) {
          deletedIds.add(id);
          report.append("deleted: ").append(id).append('\n');
        }
      }
      store.collectGarbage();
      new UnpackedSizes(store).forgetRemoved();
      long reclaimed = Math.max(0, before - blobBytes(store));
      if (report.length() > 0) {
        context.out().println("Deleted Images:\n" + report);
      }
      context.out().println("Total reclaimed space: " + Units.humanSize(reclaimed));
      return 0;
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }

  /** The bytes the store's blobs take, dangling ones included. */
  static long blobBytes(ImageStore store) throws IOException {
    Path blobs = store.root().resolve("blobs");
    if (!Files.isDirectory(blobs)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
