package dev.berth.cli;

import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth rmi IMAGE...}: by name it untags; by ID it removes every name (with -f when there
 * are several). An image left without names is deleted, and blobs nothing references go with it.
 */
final class RmiCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("rmi", "Remove one or more images")
        .arguments("IMAGE", 1, "A name (removes that name; the image goes when no name is left) or an image ID (removes the image)")
        .flag("Force removal of the image (an image ID that has several names)", "-f", "--force")
        .runs(a -> new RmiCommand(context, a.arguments(0), a.flag("--force")).call());
  }

  private final CliContext context;
  private final List<String> images;
  private final boolean force;

  RmiCommand(CliContext context, List<String> images, boolean force) {
    this.context = context;
    this.images = images;
    this.force = force;
  }

  int call() {
    int failures = 0;
    for (String text : images) {
      try {
        remove(ClientFactory.imageStore(context), text);
      } catch (IOException | UserError e) {
        context.err().println("Error: " + e.getMessage());
        failures++;
      }
    }
    return failures == 0 ? 0 : 1;
  }

  private void remove(ImageStore store, String text) throws IOException {
    StoredImage image = store.resolve(text);
    List<StoredImage> entries;
    if (ImageArgs.namedBy(text, image)) {
      entries = List.of(image);
    } else {
      entries = store.list().stream().filter(i -> i.id().equals(image.id())).toList();
      long names = entries.stream().filter(i -> i.name() != null).count();
      if (names > 1 && !force) {
        throw new UserError("conflict: unable to delete " + image.id().shortId()
            + " (must be forced) - image is referenced in multiple repositories");
      }
    }
    boolean gone = false;
    for (StoredImage entry : entries) {
      if (entry.name() != null) {
        context.out().println("Untagged: " + entry.name().familiar());
      }
      gone |= store.removeEntry(entry);
    }
    boolean stillThere = store.list().stream().anyMatch(i -> i.id().equals(image.id()));
    if (gone && !stillThere) {
      store.collectGarbage();
      context.out().println("Deleted: " + image.id());
    }
  }
}
