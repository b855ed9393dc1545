package dev.berth.cli.it;

import dev.berth.testkit.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** {@code berth serve} as a real process on a free loopback port (the testkit's ServerProcess). */
final class BerthServe implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://(\\S+)");

  private final ServerProcess process;

  private BerthServe(ServerProcess process) {
    this.process = process;
  }

  /** @param extra more {@code serve} options ({@code --rules FILE}, {@code --auth basic}) */
  static BerthServe start(BerthCli cli, Path storage, Path htpasswd, String... extra) {
    List<String> cmd = new java.util.ArrayList<>(cli.command("serve", "--listen", "127.0.0.1:0",
        "--storage", storage.toString(), "--htpasswd", htpasswd.toString()));
    cmd.addAll(List.of(extra));
    Path log = storage.resolveSibling(storage.getFileName() + ".log");
    return new BerthServe(ServerProcess.start(cmd, LISTENING, Duration.ofSeconds(60), cli.environment(), log));
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return process.readyMatch().group(1);
  }

  /** {@code kill -9}: no shutdown hook, no flush. */
  void kill() {
    process.kill();
  }

  @Override
  public void close() {
    process.close();
  }
}
