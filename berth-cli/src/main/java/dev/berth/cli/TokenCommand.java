package dev.berth.cli;

import dev.berth.server.auth.ScopePattern;
import dev.berth.server.auth.TokenSecrets;
import dev.berth.server.auth.HtpasswdUserStore;
import dev.berth.server.auth.store.AuthStore;
import dev.berth.server.auth.store.StoredToken;
import dev.berth.server.auth.token.SigningKeys;
import dev.berth.server.observe.AuditEvent;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth token create|list|revoke|rotate-key}: personal access tokens and the login (refresh)
 * tokens the registry issued, on the registry's machine. A token is shown once and stored only as
 * a hash; it works as the password of its user (Basic, {@code docker login}, skopeo), limited to
 * its scopes. Revoking one ends every access minted from it, within a second on a running server.
 */
@Command(name = "token", description = "Manage personal access tokens and logins of the registry ('berth serve').",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class,
        TokenCommand.RotateKey.class})
final class TokenCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final CliContext context;

  public TokenCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("missing subcommand: create, list, revoke or rotate-key (see '" + context.commandName()
        + " token --help')", 2);
  }

  @Command(name = "create", description = {
      "Create a personal access token for a user and print it (shown only this once).",
      "Use it as the user's password: echo \"$TOKEN\" | docker login HOST -u USER --password-stdin"})
  static final class Create implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    RegistryFiles files = new RegistryFiles();

    @Option(names = {"-u", "--user"}, paramLabel = "USER", required = true, description = "The user it acts for.")
    String user;

    @Option(names = "--scope", paramLabel = "SCOPE",
        description = "What it may do, e.g. 'repository:team/*:pull' or 'repository:**:pull,push' or"
            + " 'registry:catalog:*' (repeatable; * stays within a path component, ** crosses them)."
            + " Default: everything the user may do.")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--expires", paramLabel = "DURATION", defaultValue = "90d",
        description = "Lifetime, e.g. 12h, 30d, or 'never' (default: ${DEFAULT-VALUE}).")
    String expires;

    @Option(names = "--name", paramLabel = "LABEL", defaultValue = "personal token",
        description = "A label to recognise it by in 'berth token list'.")
    String name;

    public Create(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      List<String> normalized = new ArrayList<>();
      for (String s : scopes) {
        try {
          normalized.add(ScopePattern.parse(s).toString());
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage(), 2);
        }
      }
      if (name.isBlank() || name.length() > 200 || name.chars().anyMatch(c -> c < ' ')) {
        throw new UserError("invalid value for --name: '" + name + "' (1 to 200 printable characters)", 2);
      }
      Instant now = Instant.now();
      Instant expiry = expires.equalsIgnoreCase("never") ? null
          : now.plus(ServeCommand.parseAge("--expires", expires));
      requireUser(files.usersFile(context), user);
      files.requireOwner(context);
      String secret = TokenSecrets.newSecret(TokenSecrets.PERSONAL_PREFIX);
      StoredToken token = new StoredToken(TokenSecrets.newId(), StoredToken.Kind.PERSONAL, user, name, normalized,
          null, TokenSecrets.hash(secret), now, expiry, null, null);
      try (AuthStore store = files.openStore(context)) {
        store.add(token);
      } catch (RuntimeException e) {
        throw new UserError(e.getMessage());
      }
      files.audit(context, AuditEvent.tokenIssued(token.id(), "personal", user, name, normalized, null));
      context.err().println("Created token " + token.id() + " for " + user
          + (normalized.isEmpty() ? "" : ", limited to " + String.join(" ", normalized))
          + (expiry == null ? ", never expires" : ", expires " + TIME.format(expiry) + " UTC")
          + ". It is shown only this once:");
      context.out().println(secret);
      return 0;
    }
  }

  @Command(name = "list", description = "List personal access tokens and login (refresh) tokens.")
  static final class ListTokens implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    RegistryFiles files = new RegistryFiles();

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Only this user's.")
    String user;

    @Option(names = {"-a", "--all"}, description = "Include revoked and expired tokens.")
    boolean all;

    public ListTokens(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      List<StoredToken> tokens;
      try (AuthStore store = files.openStore(context)) {
        tokens = store.list(user);
      } catch (RuntimeException e) {
        throw new UserError(e.getMessage());
      }
      Instant now = Instant.now();
      PrintStream out = context.out();
      String format = "%-12s  %-12s  %-8s  %-20s  %-30s  %-16s  %-16s  %-16s  %s%n";
      out.printf(Locale.ROOT, format, "ID", "USER", "KIND", "NAME", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "STATUS");
      for (StoredToken t : tokens) {
        String status = t.revokedAt() != null ? "revoked" : t.activeAt(now) ? "active" : "expired";
        if (!all && !status.equals("active")) {
          continue;
        }
        out.printf(Locale.ROOT, format, t.id(), t.subject(),
            t.kind() == StoredToken.Kind.PERSONAL ? "personal" : "login", t.name(),
            t.scopes().isEmpty() ? "(all of the user's)" : String.join(" ", t.scopes()),
            TIME.format(t.createdAt()), t.expiresAt() == null ? "never" : TIME.format(t.expiresAt()),
            t.lastUsedAt() == null ? "-" : TIME.format(t.lastUsedAt()), status);
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke tokens by id (see 'berth token list'), or all of a user's.")
  static final class Revoke implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    RegistryFiles files = new RegistryFiles();

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Token ids.")
    List<String> ids = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Revoke every token of this user.")
    String user;

    public Revoke(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      if (ids.isEmpty() == (user == null)) {
        throw new UserError("give token ids or --user USER (see '" + context.commandName() + " token list')", 2);
      }
      files.requireOwner(context);
      int failed = 0;
      try (AuthStore store = files.openStore(context)) {
        Instant now = Instant.now();
        if (user != null) {
          int n = store.revokeSubject(user, now);
          context.out().println("Revoked " + n + " token(s) of " + user);
          files.audit(context, AuditEvent.tokensRevokedForUser(user, n, "berth token revoke --user"));
          return 0;
        }
        for (String id : ids) {
          if (store.findById(id).isEmpty()) {
            context.err().println("Error: no token " + id);
            failed++;
          } else if (store.revoke(id, now)) {
            context.out().println("Revoked " + id);
            files.audit(context, AuditEvent.tokenRevoked(id, store.findById(id).map(StoredToken::subject).orElse(null),
                "cli", null));
          } else {
            context.out().println(id + " was already revoked");
          }
        }
      } catch (RuntimeException e) {
        throw new UserError(e.getMessage());
      }
      return failed == 0 ? 0 : 1;
    }
  }

  @Command(name = "rotate-key", description = {
      "Replace the key that signs access tokens. Tokens signed by the previous key keep working until they"
          + " expire (the old key is kept for a day); a running server picks the new key up within a second.",
      "Registries that trust Berth's tokens by certificate need the new <storage>/auth/token-signing.pem."})
  static final class RotateKey implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    RegistryFiles files = new RegistryFiles();

    public RotateKey(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path authDir = files.existingLayout(context).authDir();
      files.requireOwner(context);
      try {
        SigningKeys keys = SigningKeys.rotate(authDir, Instant.now());
        context.out().println("New signing key " + keys.signer().getKeyID() + "; "
            + (keys.all().size() - 1) + " previous key(s) still verify");
        context.out().println("Certificates: " + SigningKeys.certificateFile(authDir));
        files.audit(context, AuditEvent.signingKeyRotated(keys.signer().getKeyID()));
      } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
        throw new UserError(e.getMessage());
      }
      return 0;
    }
  }

  static void requireUser(Path file, String user) {
    if (!Files.exists(file)) {
      throw new UserError("users file " + file + " does not exist");
    }
    try {
      if (!HtpasswdUserStore.of(file).current().contains(user)) {
        throw new UserError("no user '" + user + "' in " + file + " (add one with: berth user add " + user + ")");
      }
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new UserError(e.getMessage());
    }
  }
}
