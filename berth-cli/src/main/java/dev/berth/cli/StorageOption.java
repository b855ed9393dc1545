package dev.berth.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --storage DIR}, shared by the commands that work on a registry's storage. */
final class StorageOption {
  @Option(names = "--storage", paramLabel = "DIR",
      description = "Storage directory (default: $XDG_DATA_HOME/berth/registry).")
  Path storage;

  /** The directory given, else the default under the user's data home. */
  Path resolve(CliContext context) {
    return storage != null ? storage : context.dataHome().resolve("registry");
  }
}
