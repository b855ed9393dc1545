package dev.berth.cli.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real {@code berth serve} per test class, with a users file made by {@code htpasswd -B} and
 * a client whose HOME, DOCKER_CONFIG and XDG_DATA_HOME live in the class's temp directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WithBerthServe {
  protected final String user;
  protected final String password;
  protected Path dir;
  protected BerthCli cli;
  protected BerthServe server;

  protected WithBerthServe(String user, String password) {
    this.user = user;
    this.password = password;
  }

  @BeforeAll
  void startBerthServe(@TempDir Path dir) throws Exception {
    this.dir = dir;
    cli = new BerthCli(dir.resolve("home"));
    Path users = TestPeers.htpasswd(dir.resolve("users"), user, password);
    server = BerthServe.start(cli, dir.resolve("storage"), users, serveOptions(dir));
  }

  /** More {@code berth serve} options for the class's server ({@code --rules FILE}, …). */
  protected String[] serveOptions(Path dir) {
    return new String[0];
  }

  @AfterAll
  void stopBerthServe() throws Exception {
    if (server != null) {
      server.close();
    }
  }
}
