package dev.berth.conformance;

import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.auth.AuthSettings;
import dev.berth.testkit.AccessRulesFile;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.TempDirs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Berth's registry, in-process on a free loopback port (port 0), with its own storage and an
 * {@code htpasswd -B} users file.
 */
final class BerthTarget implements Target {

  private final Path dir;
  private final boolean deleteEnabled;
  private final RegistryServer server;

  BerthTarget() {
    this(true);
  }

  private BerthTarget(boolean deleteEnabled) {
    this.dir = TempDirs.create("berth-conformance-berth-");
    this.deleteEnabled = deleteEnabled;
    try {
      Path users = Htpasswd.create(dir.resolve("htpasswd"), Conformance.USER, Conformance.PASSWORD);
      // Basic auth, as the suite speaks it (and distribution, beside it, is configured); every
      // user may delete, which Berth's default rules leave to admins
      ServerConfig config = new ServerConfig("127.0.0.1", 0, dir.resolve("storage"), users, deleteEnabled)
          .withAuth(AuthSettings.of(AuthSettings.Mode.BASIC).withUsersFileGiven(true)
              .withRulesFile(AccessRulesFile.permissive(dir.resolve("rules.yml"))));
      // The server's own output (start-up lines) is not part of any check.
      this.server = RegistryServer.start(config,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    } catch (RuntimeException | Error e) {
      TempDirs.deleteRecursively(dir);
      throw e;
    }
  }

  @Override
  public String name() {
    return deleteEnabled ? "berth" : "berth-no-delete";
  }

  @Override
  public Optional<Target> withDeletionDisabled() {
    return Optional.of(new BerthTarget(false));
  }

  @Override
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the Berth server", e);
    } finally {
      TempDirs.deleteRecursively(dir);
    }
  }
}
