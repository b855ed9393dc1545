package dev.berth.cli;

import dev.berth.credentials.Credentials;
import dev.berth.credentials.DockerCredentials;
import dev.berth.credentials.FileCredentialStore;
import java.io.IOException;
import java.util.List;

/**
 * What {@code berth login} says about where a login went: docker 28's warning for plain text (not
 * for an identity token, as docker), and a hint when other logins are still kept in plain text.
 * Which store is chosen is {@link DockerCredentials#plan}'s business; this class only makes sure
 * {@code docker-credential-berth} is on PATH before config.json names it.
 */
final class LoginStorage {
  private final CliContext context;
  private final DockerCredentials credentials;

  LoginStorage(CliContext context, DockerCredentials credentials) {
    this.context = context;
    this.credentials = credentials;
  }

  DockerCredentials.Target store(String key, Credentials login, String requested) throws IOException {
    DockerCredentials.Target planned = credentials.plan(key, requested);
    boolean wantsBerth = planned.kind() == DockerCredentials.Kind.BERTH
        || (planned.kind() == DockerCredentials.Kind.FILE && (requested == null || requested.isEmpty()));
    if (wantsBerth) {
      HelperSetup.ensureInstalled(context, credentials.launcher());
    }
    DockerCredentials.Target target = credentials.store(key, login, requested);
    if (target.kind() == DockerCredentials.Kind.FILE && !login.username().equals(FileCredentialStore.TOKEN_USER)) {
      warnPlaintext();
    }
    if (target.kind() == DockerCredentials.Kind.BERTH) {
      List<String> plain = credentials.plaintextLogins();
      if (!plain.isEmpty()) {
        context.err().println(plain.size() + (plain.size() == 1 ? " other login is" : " other logins are")
            + " still stored unencrypted in " + credentials.configFile().path() + " (" + String.join(", ", plain)
            + "); '" + context.commandName() + " credentials migrate' moves them into the encrypted store.");
      }
    }
    return target;
  }

  // docker 28's words (cli/config/credentials/file_store.go), so scripts that match them keep working
  private void warnPlaintext() {
    context.err().println();
    context.err().println("WARNING! Your credentials are stored unencrypted in '" + credentials.configFile().path() + "'.");
    context.err().println("Configure a credential helper to remove this warning. See");
    context.err().println("https://docs.docker.com/go/credential-store/");
    context.err().println();
  }
}
