package dev.berth.cli;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.AuthenticationException;
import dev.berth.client.auth.LoginCheck;
import dev.berth.client.http.BlockingHttp;
import dev.berth.credentials.ConfigFileException;
import dev.berth.credentials.Credentials;
import dev.berth.credentials.DockerCredentials;
import dev.berth.credentials.FileCredentialStore;
import dev.berth.credentials.RegistryHosts;
import dev.berth.credentials.vault.Vault;
import java.io.Console;
import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth login}, as {@code docker login}: the credentials are checked against the registry
 * first and stored only when it accepts them, in docker's own config (so docker, skopeo, podman and
 * crane see the login), under docker's key for the server.
 */
final class LoginCommand {
  /** Where docker's CLI logs in to Docker Hub (the config key stays the historic index URL). */
  private static final String HUB_REGISTRY = "registry-1.docker.io";

  // described in code rather than by annotations: reading those made the JDK generate proxies,
  // a fifth of a login's start-up
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("login", "Authenticate to a registry.", "Defaults to Docker Hub if no server is specified.")
        .optionalArgument("SERVER", "Registry, e.g. localhost:5000")
        .option("USER", "Username", "-u", "--username")
        .option("PASS", "Password (insecure: prefer --password-stdin)", "-p", "--password")
        .flag("Take the password from stdin", "--password-stdin")
        .option("STORE", "Where the secret goes: 'berth' (Berth's encrypted store; the default when config.json names"
            + " no helper and docker-credential-berth is on PATH, or can be installed into ~/.local/bin because that"
            + " is on PATH: docker must find the helper config.json names), 'file' (config.json in plain text, as"
            + " docker without a helper, and the fallback otherwise), or a docker credential helper's name ('pass',"
            + " 'secretservice', ...).", "--store")
        .runs(a -> new LoginCommand(context, a.argument(0), a.string("--username"), a.string("--password"),
            a.flag("--password-stdin"), a.string("--store")).call());
  }

  private final CliContext context;
  private final String server;
  private String username;
  private String password;
  private final boolean passwordStdin;
  private final String store;

  LoginCommand(CliContext context, String server, String username, String password, boolean passwordStdin,
      String store) {
    this.context = context;
    this.server = server;
    this.username = username;
    this.password = password;
    this.passwordStdin = passwordStdin;
    this.store = store;
  }

  int call() {
    username = username == null ? "" : username.strip();
    if (password != null && !password.isEmpty()) {
      context.err().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
      if (passwordStdin) {
        throw new UserError("--password and --password-stdin are mutually exclusive");
      }
    }
    if (passwordStdin) {
      if (username.isEmpty()) {
        throw new UserError("Must provide --username with --password-stdin");
      }
      password = new String(PasswordInput.fromStdin(context)); // as docker: one trailing newline dropped
    }

    String key = RegistryHosts.configKey(server);
    if (!RegistryHosts.isValidKey(key)) {
      throw new UserError("invalid registry address: " + server + " (expected HOST[:PORT], e.g. localhost:5000)");
    }
    String host = key.equals(RegistryHosts.HUB_KEY) ? HUB_REGISTRY : key;
    DockerCredentials credentials =
        CredentialsCommand.credentials(context);

    RegistryEndpoint endpoint = RegistryEndpoint.forHost(host);
    Optional<Credentials> stored;
    DockerCredentials.Target planned = null; // where the login goes, when known before the registry is asked
    if (!username.isEmpty() && password != null && !password.isEmpty()) {
      // as docker: a login given in full does not read the stored one
      planned = prepareStore(key, credentials);
      stored = Optional.empty();
    } else {
      stored = stored(key, credentials); // also reports an unreadable config before any prompt
    }
    if (username.isEmpty() && (password == null || password.isEmpty()) && stored.isPresent()) {
      // as docker: without -u/-p, the stored login is tried first
      String user = stored.get().username();
      context.out().println("Authenticating with existing credentials..."
          + (user.equals(FileCredentialStore.TOKEN_USER) ? "" : " [Username: " + user + "]"));
      try {
        new LoginCheck().verify(endpoint, stored.get());
        context.out().println("Login Succeeded");
        return 0;
      } catch (AuthenticationException e) {
        context.err().println(e.kind() == AuthenticationException.Kind.REFUSED
            ? "Stored credentials invalid or expired" : "Login did not succeed, error: " + e.getMessage());
      }
    }
    String defaultUser = stored.map(Credentials::username).filter(u -> !u.equals(FileCredentialStore.TOKEN_USER)).orElse("");
    Credentials login = askForMissing(defaultUser);
    Optional<String> identityToken;
    try {
      identityToken = new LoginCheck().verify(endpoint, login);
    } catch (AuthenticationException e) {
      throw new UserError(e.getMessage());
    }
    // as docker: a registry that issues a refresh token gets that kept instead of the password,
    // so the login can be revoked there (berth logout does) and no password sits on disk
    store(key, identityToken.map(t -> new Credentials(FileCredentialStore.TOKEN_USER, t)).orElse(login), credentials,
        planned);
    context.out().println("Login Succeeded");
    return 0;
  }

  private Credentials askForMissing(String stored) {
    boolean haveUser = !username.isEmpty();
    boolean havePassword = password != null && !password.isEmpty();
    if (haveUser && havePassword) {
      return new Credentials(username, password);
    }
    Console console = context.console();
    if (console == null) {
      throw new UserError("cannot prompt for a " + (haveUser ? "password" : "username and password")
          + " without a terminal; use -u USER --password-stdin");
    }
    if (!haveUser) {
      String typed = console.readLine(stored.isEmpty() ? "Username: " : "Username (" + stored + "): ");
      username = typed == null ? "" : typed.strip();
      if (username.isEmpty()) {
        username = stored;
      }
      if (username.isEmpty()) {
        throw new UserError("username is required");
      }
    }
    if (!havePassword) {
      char[] typed = console.readPassword("Password: ");
      password = typed == null ? "" : new String(typed);
      if (password.isEmpty()) {
        throw new UserError("password is required");
      }
    }
    return new Credentials(username, password);
  }

  /**
   * Runs before the command line is parsed (picocli's first use takes about 10 ms): readies the
   * JDK's http URL handler on a second core, and when the machine's logins are already in Berth's
   * encrypted store (so this one most likely goes there too), its cryptography after that (see
   * {@link Warmup}).
   */
  static void beforeParsing(CliContext context, String[] args) {
    boolean toFile = false;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--store=file") || (args[i].equals("--store") && i + 1 < args.length && args[i + 1].equals("file"))) {
        toFile = true;
      }
    }
    if (!toFile && java.nio.file.Files.exists(Vault.defaultDirectory(context.env()).resolve(Vault.STORE_FILE))) {
      Warmup.inBackground(BlockingHttp::prepare, Vault::prepareCrypto);
    } else {
      Warmup.inBackground(BlockingHttp::prepare);
    }
  }

  /**
   * Reports an unreadable config.json before the registry is asked, and when the login will go to
   * Berth's encrypted store, readies its cryptography while the registry answers.
   *
   * @return where the login will go, or null when that is to be worked out (and said) when it is stored
   */
  private DockerCredentials.Target prepareStore(String key, DockerCredentials credentials) {
    try {
      DockerCredentials.Target target = credentials.plan(key, store);
      if (target.kind() == DockerCredentials.Kind.BERTH) {
        Warmup.inBackground(Vault::prepareCrypto); // done once: a no-op if the warm-up before parsing did it
      }
      return target;
    } catch (ConfigFileException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      return null; // a store docker would not honour: said when the login is stored, as before
    }
  }

  private static Optional<Credentials> stored(String key, DockerCredentials credentials) {
    try {
      return credentials.lookup(key);
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
  }


  private void store(String key, Credentials login, DockerCredentials credentials, DockerCredentials.Target planned) {
    try {
      new LoginStorage(context, credentials).store(key, login, store, planned);
    } catch (IOException e) {
      throw new UserError("error saving credentials: " + e.getMessage());
    }
  }
}
