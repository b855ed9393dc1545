package dev.berth.cli;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.AuthenticationException;
import dev.berth.client.auth.LoginRevocation;
import dev.berth.credentials.Credentials;
import dev.berth.credentials.DockerCredentials;
import dev.berth.credentials.FileCredentialStore;
import dev.berth.credentials.RegistryHosts;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth logout}, as {@code docker logout}: forgets one registry's credentials (under its
 * key and the legacy URL forms of the same host, in the file and in a configured helper) and
 * leaves every other entry and key of docker's config as it was. A login kept as an identity
 * token is first revoked at the registry, so that copies of it stop working too; when that
 * cannot be done, the local entry is still removed and a warning says the token stays valid.
 */
final class LogoutCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("logout", "Log out from a registry.", "Defaults to Docker Hub if no server is specified.")
        .optionalArgument("SERVER", "Registry, e.g. localhost:5000")
        .flag("Log out from every registry Berth finds credentials for (config.json, its credential helpers,"
            + " Berth's encrypted store).", "--all")
        .runs(a -> new LogoutCommand(context, a.argument(0), a.flag("--all")).call());
  }

  private final CliContext context;
  private final String server;
  private final boolean all;

  LogoutCommand(CliContext context, String server, boolean all) {
    this.context = context;
    this.server = server;
    this.all = all;
  }

  int call() {
    DockerCredentials credentials =
        CredentialsCommand.credentials(context);
    if (all) {
      return logoutAll(credentials);
    }
    String key = RegistryHosts.configKey(server);
    // looked up quietly: a helper that fails here is reported once, by the erase below
    revokeStoredToken(key, storedLogin(key));
    boolean removed;
    try {
      removed = credentials.erase(key);
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    context.out().println(removed ? "Removing login credentials for " + key : "Not logged in to " + key);
    return 0;
  }

  private int logoutAll(DockerCredentials credentials) {
    if (server != null) {
      throw new UserError("--all logs out from every registry; give no SERVER with it", 2);
    }
    // every login kept as a token is revoked where it was issued, then all are forgotten
    try {
      for (DockerCredentials.Login login : quiet().logins()) {
        if (login.credentials() != null) {
          revokeStoredToken(login.registry(), Optional.of(login.credentials()));
        }
      }
    } catch (IOException e) {
      // eraseAll below reports an unreadable config
    }
    List<String> removed;
    try {
      removed = credentials.eraseAll();
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    for (String key : removed) {
      context.out().println("Removing login credentials for " + key);
    }
    if (removed.isEmpty()) {
      context.out().println("Not logged in to any registry");
    }
    return 0;
  }

  private Optional<Credentials> storedLogin(String key) {
    try {
      return quiet().lookup(key);
    } catch (IOException e) {
      return Optional.empty(); // the erase reports an unreadable config
    }
  }

  /** The credentials, with warnings dropped: a failing helper is reported by the erase that follows. */
  private DockerCredentials quiet() {
    return DockerCredentials.open(context.dockerConfigDir(), context.env(), w -> { }, CredentialsCommand.StoreKeys.of(context));
  }

  private void revokeStoredToken(String key, Optional<Credentials> stored) {
    if (stored.isEmpty() || !stored.get().username().equals(FileCredentialStore.TOKEN_USER)) {
      return;
    }
    String host = key.equals(RegistryHosts.HUB_KEY) ? "registry-1.docker.io" : key;
    try {
      LoginRevocation.Outcome outcome = new LoginRevocation().revoke(RegistryEndpoint.forHost(host), stored.get().secret());
      if (outcome.revoked()) {
        context.out().println(outcome.message());
      } else {
        context.err().println("WARNING! " + outcome.message());
      }
    } catch (AuthenticationException e) {
      context.err().println("WARNING! Could not revoke the login token at " + host + ": " + e.getMessage()
          + "; it stays valid until it expires or an administrator revokes it");
    }
  }
}
