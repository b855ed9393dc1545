package dev.berth.cli;

import dev.berth.credentials.DockerCredentials;
import dev.berth.credentials.RegistryHosts;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth logout}, as {@code docker logout}: forgets one registry's credentials (under its
 * key and the legacy URL forms of the same host, in the file and in a configured helper) and
 * leaves every other entry and key of docker's config as it was.
 */
@Command(
    name = "logout",
    description = {"Log out from a registry.", "Defaults to Docker Hub if no server is specified."})
final class LogoutCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "Registry, e.g. localhost:5000")
  private String server;

  @Option(names = "--all", description = "Log out from every registry Berth finds credentials for (config.json,"
      + " its credential helpers, Berth's encrypted store).")
  private boolean all;

  public LogoutCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    DockerCredentials credentials =
        CredentialsCommand.credentials(context);
    if (all) {
      return logoutAll(credentials);
    }
    String key = RegistryHosts.configKey(server);
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
}
