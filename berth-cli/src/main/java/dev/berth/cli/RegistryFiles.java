package dev.berth.cli;

import dev.berth.server.auth.store.SqliteAuthStore;
import dev.berth.server.config.ConfigException;
import dev.berth.server.config.ConfigValues;
import dev.berth.server.config.ServeSettings;
import dev.berth.server.observe.AuditEvent;
import dev.berth.server.observe.FileAuditLog;
import dev.berth.server.storage.StorageLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the admin commands ({@code berth user}, {@code berth token}) find a registry's users, auth
 * state and audit log: as {@code berth serve} does, from {@code --storage}, {@code --htpasswd},
 * {@code --audit-log}, or the same {@code --config} file and {@code BERTH_…} variables. They change
 * the files a running server re-reads, so no restart is needed, and append what they did to the
 * server's audit log.
 */
final class RegistryFiles {
  @Mixin
  StorageOption storage = new StorageOption();

  @Option(names = "--htpasswd", paramLabel = "FILE",
      description = "Users file (default: <storage>/htpasswd), as 'berth serve --htpasswd'.")
  Path htpasswd;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The registry's config file, as 'berth serve --config' (storage, users file, audit log).")
  Path config;

  @Option(names = "--audit-log", paramLabel = "FILE|off",
      description = "Where to record the change (default: the registry's audit log, <storage>/audit.log).")
  String auditLog;

  private ConfigValues values;

  /** The registry's settings as berth serve would see them, for the keys these commands use. */
  private ConfigValues values(CliContext context) {
    if (values == null) {
      Map<String, Object> flags = new LinkedHashMap<>();
      if (storage.storage != null) {
        flags.put("--storage", storage.storage.toString());
      }
      if (htpasswd != null) {
        flags.put("--htpasswd", htpasswd.toString());
      }
      if (auditLog != null) {
        flags.put("--audit-log", auditLog);
      }
      Path file = config != null ? config : context.env(ServeCommand.CONFIG_ENV) == null ? null
          : Path.of(context.env(ServeCommand.CONFIG_ENV));
      try {
        values = ServeSettings.load(file, context.env(), ServeSettings.flags(flags), context.dataHome().resolve("registry"));
      } catch (ConfigException e) {
        throw new UserError(e.getMessage(), 2);
      }
    }
    return values;
  }

  private Path path(CliContext context, String key) {
    ConfigValues.Value v = values(context).get(key);
    return Path.of(v.text()).toAbsolutePath().normalize();
  }

  StorageLayout layout(CliContext context) {
    return new StorageLayout(path(context, ServeSettings.STORAGE));
  }

  Path usersFile(CliContext context) {
    return path(context, ServeSettings.USERS);
  }

  /** Whether the users file was named (by flag, variable or file) rather than defaulted. */
  boolean usersFileNamed(CliContext context) {
    return values(context).get(ServeSettings.USERS).origin().kind() != dev.berth.server.config.Origin.Kind.DEFAULT;
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

  /**
   * Appends one event to the registry's audit log: the file named, or the default one in an
   * existing storage (a users file kept apart from any registry has none). A log that cannot be
   * written is a warning: the change itself is done.
   */
  void audit(CliContext context, AuditEvent event) {
    ConfigValues.Value v = values(context).get(ServeSettings.AUDIT);
    if (v.text().equalsIgnoreCase("off")) {
      return;
    }
    boolean named = v.origin().kind() != dev.berth.server.config.Origin.Kind.DEFAULT;
    if (!named && !Files.isDirectory(layout(context).root())) {
      return;
    }
    Path file = path(context, ServeSettings.AUDIT);
    try (FileAuditLog log = FileAuditLog.open(file, "cli", actor(context),
        line -> context.err().println(line))) {
      log.record(event);
    }
  }

  /**
   * Root may not change a registry whose files belong to another user (the packaged service runs
   * as user berth): what root writes there (a new users file, the token database's journal)
   * would be root's, and the registry could no longer read it. One line says whom to run as.
   */
  void requireOwner(CliContext context) {
    if (!dev.berth.cli.trust.TrustTargets.runningAsRoot()) {
      return;
    }
    for (Path p : List.of(layout(context).root(), usersFile(context))) {
      try {
        if (Files.exists(p)) {
          String owner = Files.getOwner(p).getName();
          if (!owner.equals("root")) {
            throw new UserError(p + " belongs to user " + owner + ": run this as that user (sudo -u " + owner
                + " berth ...), or the registry could no longer read the files root would write");
          }
        }
      } catch (java.io.IOException e) {
        // unreadable here: the command itself will say so
      }
    }
  }

  /** Who made the change: the user, and who they are behind sudo. */
  private static String actor(CliContext context) {
    String user = System.getProperty("user.name");
    String sudo = context.env("SUDO_USER");
    return sudo != null && !sudo.equals(user) ? user + " (sudo by " + sudo + ")" : user;
  }
}
