package dev.berth.cli;

import dev.berth.credentials.DockerCredentials;
import dev.berth.credentials.vault.AgentClient;
import dev.berth.credentials.vault.Vault;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code berth credentials}: Berth's encrypted store: moving plaintext logins into it, protecting
 * it with a passphrase, unlocking and locking it.
 */
@Command(
    name = "credentials",
    description = "Manage Berth's encrypted credential store.",
    subcommands = {
      CredentialsCommand.Migrate.class,
      CredentialsCommand.Passphrase.class,
      CredentialsCommand.Unlock.class,
      CredentialsCommand.Lock.class,
    })
final class CredentialsCommand implements Callable<Integer> {
  static final String DEFAULT_UNLOCK = "15m";

  private final CliContext context;

  @Spec
  CommandSpec spec;

  public CredentialsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(context.out());
    return 0;
  }

  static DockerCredentials credentials(CliContext context) {
    return DockerCredentials.open(context.dockerConfigDir(), context.env(), w -> context.err().println("WARNING: " + w),
        StoreKeys.of(context));
  }

  @Command(name = "migrate",
      description = "Move the logins config.json keeps in plain text into Berth's encrypted store; every other key of config.json is kept.")
  static final class Migrate implements Callable<Integer> {
    private final CliContext context;

    public Migrate(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      DockerCredentials credentials = credentials(context);
      HelperSetup.ensureInstalled(context, credentials.launcher());
      List<String> moved;
      try {
        moved = credentials.migrate();
      } catch (IOException e) {
        throw new UserError(e.getMessage());
      }
      if (moved.isEmpty()) {
        context.out().println("No plaintext logins in " + credentials.configFile().path());
      } else {
        context.out().println("Moved " + moved.size() + (moved.size() == 1 ? " login" : " logins") + " into "
            + credentials.vault().storeFile() + ": " + String.join(", ", moved));
      }
      return 0;
    }
  }

  @Command(name = "passphrase",
      description = {"Protect the store with a passphrase (or change it): its key is then derived from the passphrase"
          + " and no key file is kept. 'berth credentials unlock' opens it for a while.",
          "With --remove, go back to a key file."})
  static final class Passphrase implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--remove", description = "Remove the passphrase: keep the key in a file again.")
    boolean remove;

    @Option(names = "--passphrase-stdin", description = "Read the new passphrase from stdin (one line).")
    boolean fromStdin;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = DEFAULT_UNLOCK,
        description = "How long the store stays unlocked without use after the change (default: ${DEFAULT-VALUE}).")
    String timeout;

    public Passphrase(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Duration ttl = ServeCommand.parseAge("--timeout", timeout);
      Vault vault = Vault.at(Vault.defaultDirectory(context.env()), StoreKeys.of(context));
      AgentClient agent = AgentClient.forStore(vault.directory());
      try {
        if (remove) {
          if (vault.mode() != Vault.Mode.PASSPHRASE) {
            throw new UserError("the credential store " + vault.storeFile() + " has no passphrase");
          }
          vault.removePassphrase();
          agent.stop();
          context.out().println("The credential store " + vault.storeFile() + " is protected by the key file "
              + vault.keyFile() + " again");
          return 0;
        }
        char[] passphrase = fromStdin ? StoreKeys.readLine(context, "passphrase") : StoreKeys.promptNew(context);
        try {
          vault.setPassphrase(passphrase);
          agent.stop();
          byte[] key = vault.unlock(passphrase);
          StoreKeys.startAgent(vault, key, ttl);
        } finally {
          Arrays.fill(passphrase, '\0');
        }
      } catch (IOException e) {
        throw new UserError(e.getMessage());
      }
      context.out().println("The credential store " + vault.storeFile() + " is protected by a passphrase; it stays"
          + " unlocked until unused for " + timeout + " ('" + context.commandName() + " credentials lock' locks it now)");
      return 0;
    }
  }

  @Command(name = "unlock",
      description = "Unlock a passphrase-protected store: an agent holds its key in memory until it goes unused for --timeout.")
  static final class Unlock implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--passphrase-stdin", description = "Read the passphrase from stdin (one line).")
    boolean fromStdin;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = DEFAULT_UNLOCK,
        description = "Lock again after this long without use (default: ${DEFAULT-VALUE}; e.g. 30m, 8h).")
    String timeout;

    public Unlock(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Duration ttl = ServeCommand.parseAge("--timeout", timeout);
      Vault vault = Vault.at(Vault.defaultDirectory(context.env()), Vault.NO_KEY);
      try {
        if (vault.mode() != Vault.Mode.PASSPHRASE) {
          context.out().println("The credential store " + vault.storeFile() + " has no passphrase: nothing to unlock");
          return 0;
        }
        char[] passphrase = fromStdin ? StoreKeys.readLine(context, "passphrase")
            : StoreKeys.prompt(context, "Passphrase for " + vault.storeFile() + ": ");
        byte[] key;
        try {
          key = vault.unlock(passphrase);
        } finally {
          Arrays.fill(passphrase, '\0');
        }
        AgentClient.forStore(vault.directory()).stop();
        StoreKeys.startAgent(vault, key, ttl);
      } catch (IOException e) {
        throw new UserError(e.getMessage());
      }
      context.out().println("Unlocked " + vault.storeFile() + " until unused for " + timeout);
      return 0;
    }
  }

  @Command(name = "lock", description = "Lock the store now: its agent forgets the key and exits.")
  static final class Lock implements Callable<Integer> {
    private final CliContext context;

    public Lock(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Vault vault = Vault.at(Vault.defaultDirectory(context.env()), Vault.NO_KEY);
      boolean stopped = AgentClient.forStore(vault.directory()).stop();
      context.out().println(stopped ? "Locked " + vault.storeFile() : "No agent holds the key of " + vault.storeFile());
      return 0;
    }
  }

  /** Where the CLI gets a passphrase-protected store's key: its agent, else a prompt in a terminal. */
  static final class StoreKeys {
    private StoreKeys() {}

    static Vault.KeySource of(CliContext context) {
      return vault -> {
        AgentClient.Reply reply = AgentClient.forStore(vault.directory()).request("key", "");
        if (reply != null && reply.status().equals("ok")) {
          return java.util.HexFormat.of().parseHex(reply.text());
        }
        if (context.console() == null) {
          return null;
        }
        char[] passphrase = prompt(context, "Passphrase for " + vault.storeFile() + ": ");
        try {
          byte[] key = vault.unlock(passphrase);
          startAgent(vault, key.clone(), ServeCommand.parseAge("--timeout", DEFAULT_UNLOCK));
          return key;
        } finally {
          Arrays.fill(passphrase, '\0');
        }
      };
    }

    static void startAgent(Vault vault, byte[] key, Duration ttl) throws IOException {
      AgentClient.start(vault.directory(), key, ttl.toMillis());
      Arrays.fill(key, (byte) 0);
      if (!AgentClient.forStore(vault.directory()).awaitRunning(10_000)) {
        throw new IOException("the agent for " + vault.storeFile() + " did not start");
      }
    }

    static char[] prompt(CliContext context, String text) {
      Console console = context.console();
      if (console == null) {
        throw new UserError("cannot prompt for a passphrase without a terminal; use --passphrase-stdin");
      }
      char[] typed = console.readPassword(text);
      if (typed == null || typed.length == 0) {
        throw new UserError("the passphrase is empty");
      }
      return typed;
    }

    static char[] promptNew(CliContext context) {
      char[] first = prompt(context, "New passphrase: ");
      char[] second = prompt(context, "Repeat it: ");
      if (!Arrays.equals(first, second)) {
        throw new UserError("the two passphrases differ");
      }
      Arrays.fill(second, '\0');
      return first;
    }

    static char[] readLine(CliContext context, String what) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        context.in().transferTo(bytes);
      } catch (IOException e) {
        throw new UserError("cannot read the " + what + " from stdin: " + e.getMessage());
      }
      String text = bytes.toString(StandardCharsets.UTF_8);
      if (text.endsWith("\n")) {
        text = text.substring(0, text.length() - 1);
      }
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      if (text.isEmpty()) {
        throw new UserError("the " + what + " is empty: stdin held nothing");
      }
      return text.toCharArray();
    }
  }
}
