package dev.berth.cli;

import dev.berth.server.auth.store.SqliteAuthStore;
import dev.berth.server.storage.StorageLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the admin commands ({@code berth user}, {@code berth token}) find a registry's users and
 * auth state: the storage directory (as {@code berth serve --storage}) and the users file (as
 * {@code --htpasswd}). They change the files a running server re-reads, so no restart is needed.
 */
final class RegistryFiles {
  @Mixin
  StorageOption storage = new StorageOption();

  @Option(names = "--htpasswd", paramLabel = "FILE",
      description = "Users file (default: <storage>/htpasswd), as 'berth serve --htpasswd'.")
  Path htpasswd;

  StorageLayout layout(CliContext context) {
    return new StorageLayout(storage.resolve(context));
  }

  Path usersFile(CliContext context) {
    return htpasswd != null ? htpasswd : layout(context).usersFile();
  }

  /** The layout of a storage that exists; else a one-line error. */
  StorageLayout existingLayout(CliContext context) {
    StorageLayout layout = layout(context);
    if (!Files.isDirectory(layout.root())) {
      throw new UserError("no registry storage at " + layout.root() + " (give --storage DIR, as for berth serve)");
    }
    return layout;
  }

  /** The token store of an existing registry storage. */
  SqliteAuthStore openStore(CliContext context) {
    StorageLayout layout = existingLayout(context);
    try {
      return SqliteAuthStore.open(layout.authStateFile());
    } catch (RuntimeException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** The store when the storage exists, else null (a users file kept apart from any registry). */
  SqliteAuthStore openStoreIfPresent(CliContext context) {
    return Files.isDirectory(layout(context).root()) ? openStore(context) : null;
  }
}
