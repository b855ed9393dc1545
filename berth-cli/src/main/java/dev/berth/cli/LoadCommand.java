package dev.berth.cli;

import dev.berth.client.archive.ArchiveLoader;
import dev.berth.client.archive.LoadedImage;
import dev.berth.client.store.AtomicFiles;
import dev.berth.client.store.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth load -i FILE}: a docker save tar, an OCI archive tar, or an OCI layout directory. */
@Command(name = "load", description = "Load images from a docker save tar, an OCI archive tar or an OCI layout directory")
final class LoadCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read from this file or directory instead of STDIN")
  Path input;

  @Option(names = {"-q", "--quiet"}, description = "Suppress the load output")
  boolean quiet;

  public LoadCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
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
        try (AtomicFiles.Pending copy = AtomicFiles.Pending.in(store.root().resolve(".tmp"))) {
          try (OutputStream out = copy.open()) {
            context.in().transferTo(out);
          }
          loaded = new ArchiveLoader(store).load(copy.path());
        }
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
