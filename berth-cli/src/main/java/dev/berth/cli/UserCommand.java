package dev.berth.cli;

import dev.berth.server.auth.HtpasswdUserStore;
import dev.berth.server.auth.UsersFileEditor;
import dev.berth.server.auth.store.AuthStore;
import dev.berth.server.observe.AuditEvent;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth user add|passwd|rm|list}: the registry's users, without apache2-utils. The users
 * file stays an htpasswd file that {@code htpasswd -B} can edit too. A changed password or a
 * removed user revokes that user's tokens (the server notices within a second). Each change is
 * appended to the registry's audit log.
 */
@Command(name = "user", description = "Manage the registry's users (the htpasswd file of 'berth serve').",
    subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Remove.class, UserCommand.ListUsers.class})
final class UserCommand implements Callable<Integer> {
  private final CliContext context;

  public UserCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("missing subcommand: add, passwd, rm or list (see '" + context.commandName()
        + " user --help')", 2);
  }

  abstract static class Change implements Callable<Integer> {
    final CliContext context;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name;

    @Mixin
    RegistryFiles files = new RegistryFiles();

    Change(CliContext context) {
      this.context = context;
    }

    /**
     * Reads a password (terminal or stdin) and writes the user's bcrypt entry.
     *
     * @param mustExist a password change (else an add); {@code create} makes a missing users file
     */
    void putPassword(NewPassword password, String prompt, Path file, boolean mustExist, boolean create) {
      char[] secret = PasswordInput.read(context, password.stdin, prompt);
      try {
        HtpasswdUserStore.of(file).put(name, secret, password.cost, mustExist, create);
      } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
        throw new UserError(e.getMessage());
      } finally {
        Arrays.fill(secret, '\0');
      }
    }

    /** Revokes the user's tokens, so that nothing issued before the change keeps working. */
    void revokeTokens(String why) {
      try (AuthStore store = files.openStoreIfPresent(context)) {
        if (store == null) {
          return;
        }
        int n = store.revokeSubject(name, Instant.now());
        context.out().println("Revoked " + n + " token(s) of " + name + " (" + why + ")");
        files.audit(context, AuditEvent.tokensRevokedForUser(name, n, why));
      } catch (RuntimeException e) {
        throw new UserError("the users file was changed, but the tokens of " + name + " could not be revoked: "
            + e.getMessage());
      }
    }
  }

  /** Where a new password comes from, and how hard it is hashed. */
  static final class NewPassword {
    @Option(names = "--password-stdin", description = "Read the password from stdin (else: typed twice at the terminal).")
    boolean stdin;

    @Option(names = "--cost", paramLabel = "N", defaultValue = "" + UsersFileEditor.DEFAULT_COST,
        description = "bcrypt cost, 4 to 31 (default: ${DEFAULT-VALUE}).")
    int cost;
  }

  @Command(name = "add", description = "Add a user; the password is read from the terminal or stdin.")
  static final class Add extends Change {
    @Mixin
    NewPassword password = new NewPassword();

    public Add(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      validate(name, password.cost);
      files.requireOwner(context);
      Path file = files.usersFile(context);
      // the default users file is created on demand; a named one must exist, as for berth serve
      putPassword(password, "Password for " + name, file, false, !files.usersFileNamed(context));
      context.out().println("Added user " + name + " to " + file);
      files.audit(context, AuditEvent.userChanged("user.added", name, file.toString()));
      return 0;
    }
  }

  @Command(name = "passwd", description = "Change a user's password and revoke their tokens.")
  static final class Passwd extends Change {
    @Mixin
    NewPassword password = new NewPassword();

    public Passwd(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      validate(name, password.cost);
      files.requireOwner(context);
      Path file = files.usersFile(context);
      TokenCommand.requireUser(file, name);
      putPassword(password, "New password for " + name, file, true, false);
      context.out().println("Changed the password of " + name);
      files.audit(context, AuditEvent.userChanged("user.password_changed", name, file.toString()));
      revokeTokens("password changed");
      return 0;
    }
  }

  @Command(name = "rm", description = "Remove a user and revoke their tokens.")
  static final class Remove extends Change {
    public Remove(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      files.requireOwner(context);
      Path file = files.usersFile(context);
      try {
        HtpasswdUserStore.of(file).remove(name);
      } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
        throw new UserError(e.getMessage());
      }
      context.out().println("Removed user " + name + " from " + file);
      files.audit(context, AuditEvent.userChanged("user.removed", name, file.toString()));
      revokeTokens("user removed");
      return 0;
    }
  }

  @Command(name = "list", description = "List the users.")
  static final class ListUsers implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    RegistryFiles files = new RegistryFiles();

    public ListUsers(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path file = files.usersFile(context);
      if (!Files.exists(file)) {
        throw new UserError("users file " + file + " does not exist");
      }
      try {
        HtpasswdUserStore.of(file).current().names().forEach(context.out()::println);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new UserError(e.getMessage());
      }
      return 0;
    }
  }

  private static void validate(String name, int cost) {
    try {
      UsersFileEditor.validateName(name);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2);
    }
    if (cost < 4 || cost > 31) {
      throw new UserError("invalid value for --cost: " + cost + " (expected 4 to 31)", 2);
    }
  }
}
