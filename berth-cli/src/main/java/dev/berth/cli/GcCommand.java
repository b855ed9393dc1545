package dev.berth.cli;

import dev.berth.model.Digest;
import dev.berth.server.storage.GarbageCollector;
import dev.berth.server.storage.RegistryStorage;
import dev.berth.server.storage.StorageLayout;
import dev.berth.server.storage.StorageLock;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth gc}: garbage collection of a registry's storage while no server uses it (the
 * storage lock makes sure). A running server collects with {@code berth serve --gc-every}.
 */
@Command(
    name = "gc",
    description = "Delete blobs that no manifest references from a registry's storage (while no 'berth serve' uses it):"
        + " blobs deleted through the API at once, blobs still linked to a repository once unused for --keep-recent.")
final class GcCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin
  StorageOption storage = new StorageOption();

  @Option(names = "--dry-run", description = "Only list what would be deleted.")
  boolean dryRun;

  @Option(names = "--keep-recent", paramLabel = "DURATION", defaultValue = "24h",
      description = "Keep blobs a repository links but no manifest references if used within this long: a push"
          + " that was cut off may still reference them when it resumes (default: ${DEFAULT-VALUE}; e.g. 1s, 30m, 7d).")
  String keepRecent;

  public GcCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Duration window = ServeCommand.parseAge("--keep-recent", keepRecent);
    Path root = storage.resolve(context);
    StorageLayout layout = new StorageLayout(root);
    if (!Files.isDirectory(layout.blobsRoot()) || !Files.isDirectory(layout.repositoriesRoot())) {
      throw new UserError("no registry storage in " + layout.root() + " (expected blobs/ and repositories/ there)");
    }
    GarbageCollector.Result result;
    try (StorageLock lock = StorageLock.acquire(layout, "berth gc")) {
      result = RegistryStorage.open(root).garbageCollector().collect(window, dryRun);
    } catch (StorageLock.BusyException e) {
      throw new UserError(e.getMessage() + "; stop it first, or let it collect with '" + context.commandName()
          + " serve --gc-every'");
    } catch (UncheckedIOException e) {
      throw new UserError(e.getMessage());
    }
    PrintStream out = context.out();
    for (Digest digest : result.deleted()) {
      out.println((dryRun ? "would delete " : "deleted ") + digest);
    }
    out.printf(Locale.ROOT, "%s %d unreferenced blob(s), %s; kept %d referenced and %d used within %s%n",
        dryRun ? "would delete" : "deleted", result.deleted().size(), size(result.deletedBytes()),
        result.marked(), result.keptRecent(), keepRecent);
    return 0;
  }

  private static String size(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
