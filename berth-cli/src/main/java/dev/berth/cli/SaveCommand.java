package dev.berth.cli;

import dev.berth.client.archive.ArchiveSaver;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.io.AtomicWrite;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth save IMAGE... -o FILE}: a tar that docker load (either layout), skopeo and berth
 * load accept. The file appears whole or not at all.
 */
final class SaveCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("save", "Save one or more images to a tar archive (streamed to STDOUT by default)")
        .arguments("IMAGE", 1, "Local images to save, by name (app:1) or image ID")
        .option("FILE", "Write to a file, instead of STDOUT", "-o", "--output")
        .runs(a -> new SaveCommand(context, a.arguments(0), a.string("--output")).call());
  }

  private final CliContext context;
  private final List<String> images;
  private final Path output;

  SaveCommand(CliContext context, List<String> images, String output) {
    this.context = context;
    this.images = images;
    this.output = output == null ? null : Path.of(output);
  }

  int call() {
    try {
      ImageStore store = ClientFactory.imageStore(context);
      List<ArchiveSaver.Item> items = new ArrayList<>();
      for (String text : images) {
        StoredImage image = store.resolve(text);
        items.add(new ArchiveSaver.Item(image, ImageArgs.namedBy(text, image) ? image.name() : null));
      }
      ArchiveSaver saver = new ArchiveSaver(store, w -> context.err().println("WARNING: " + w));
      if (output == null) {
        if (context.console() != null) {
          throw new UserError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
        }
        saver.save(items, context.out());
        context.out().flush();
        return 0;
      }
      if (Files.isDirectory(output)) {
        throw new UserError("cannot save to " + output + ": it is a directory");
      }
      AtomicWrite.createDirectories(output.toAbsolutePath().getParent());
      try (AtomicWrite pending = AtomicWrite.beside(output)) {
        try (OutputStream out = new BufferedOutputStream(pending.open(), 64 * 1024)) {
          saver.save(items, out);
        }
        pending.commit(output);
      }
      return 0;
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
