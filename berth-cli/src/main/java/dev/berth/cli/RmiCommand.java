package dev.berth.cli;

import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth rmi IMAGE...}: by name it untags; by ID it removes every name (with -f when there
 * are several). An image left without names is deleted, and blobs nothing references go with it.
 */
@Command(name = "rmi", description = "Remove one or more images")
final class RmiCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(arity = "1..*", paramLabel = "IMAGE")
  List<String> images;

  @Option(names = {"-f", "--force"}, description = "Remove an image ID that has several names")
  boolean force;

  public RmiCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
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
