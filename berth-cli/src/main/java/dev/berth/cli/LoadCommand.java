package dev.berth.cli;

import dev.berth.client.archive.ArchiveLoader;
import dev.berth.client.archive.LoadedImage;
import dev.berth.client.store.ImageStore;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth load -i FILE}: a docker save tar, an OCI archive tar, or an OCI layout directory. */
final class LoadCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("load", "Load images from a docker save tar, an OCI archive tar or an OCI layout directory")
        .option("FILE", "Read from this file or directory instead of STDIN", "-i", "--input")
        .flag("Suppress the load output", "-q", "--quiet")
        .runs(a -> new LoadCommand(context, a.string("--input"), a.flag("--quiet")).call());
  }

  private final CliContext context;
  private final Path input;
  private final boolean quiet;

  LoadCommand(CliContext context, String input, boolean quiet) {
    this.context = context;
    this.input = input == null ? null : Path.of(input);
    this.quiet = quiet;
  }

  int call() {
    try {
      ImageStore store = ClientFactory.imageStore(context);
      List<LoadedImage> loaded;
      if (input != null) {
        loaded = new ArchiveLoader(store).load(input);
      } else {
        if (context.console() != null) {
          throw new UserError("requested load from stdin, but stdin is empty (use -i FILE)");
        }
        // a tar on stdin is read once into the store's scratch space, then loaded from there
        try (AtomicWrite copy = store.newTempFile()) {
          try (OutputStream out = copy.open()) {
            context.in().transferTo(out);
          }
          loaded = new ArchiveLoader(store).load(copy.path());
        }
      }
      // unpacked sizes measured now, as docker measures when it unpacks (gzip layers of an OCI archive)
      dev.berth.client.store.UnpackedSizes sizes = new dev.berth.client.store.UnpackedSizes(store);
      for (LoadedImage image : loaded) {
        sizes.imageSize(image.image().manifest());
      }
      if (!quiet) {
        loaded.forEach(l -> context.out().println(l.message()));
      }
      return 0;
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
