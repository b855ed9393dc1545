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

  /** @param planned where {@link DockerCredentials#plan} sent the login already, or null to ask it now */
  DockerCredentials.Target store(String key, Credentials login, String requested, DockerCredentials.Target planned)
      throws IOException {
    if (planned == null) {
      planned = credentials.plan(key, requested);
    }
    boolean maybeBerth = planned.kind() == DockerCredentials.Kind.FILE && (requested == null || requested.isEmpty());
    if (planned.kind() == DockerCredentials.Kind.BERTH || maybeBerth) {
      boolean onPath = HelperSetup.ensureInstalled(context, credentials.launcher());
      if (maybeBerth && onPath) {
        planned = credentials.plan(key, requested); // installed just now: Berth's store it is
      }
    }
    DockerCredentials.Target target = credentials.storeAs(key, login, planned);
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
