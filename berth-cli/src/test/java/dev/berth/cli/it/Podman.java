package dev.berth.cli.it;

import dev.berth.testkit.TempDirs;
import dev.berth.testkit.Exec;
import dev.berth.testkit.Peers;
import dev.berth.testkit.ToolPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real {@code podman} (Debian package {@code podman}; as root, pull and push need no
 * user-namespace or network helpers) with a private, throw-away state: its own storage root and
 * runroot on the {@code vfs} driver, its own libpod tmpdir, HOME and XDG_RUNTIME_DIR, so nothing
 * touches the machine's podman state. Close removes it all.
 */
final class Podman implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path program;
  private final Path dir;
  private final Map<String, String> extraEnv = new HashMap<>();

  Podman(Path dir) {
    this.program = Peers.require("podman", "podman");
    this.dir = dir;
    // podman alone on PATH, plus what a test adds (a credential helper): nothing else installed
    // on the machine can change what it does
    ToolPath.create(dir.resolve("bin"), Map.of("podman", "podman"));
    try {
      for (String sub : List.of("root", "runroot", "tmp", "home")) {
        Files.createDirectories(dir.resolve(sub));
      }
      // podman insists that XDG_RUNTIME_DIR is private to its user.
      Files.createDirectories(dir.resolve("xdg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare podman's state in " + dir, e);
    }
  }

  /** Runs {@code podman <private-state flags> args}, feeding {@code stdin}. */
  BerthCli.Result runWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(program.toString(),
        "--root", dir.resolve("root").toString(),
        "--runroot", dir.resolve("runroot").toString(),
        "--tmpdir", dir.resolve("tmp").toString(),
        "--storage-driver", "vfs",
        "--cgroup-manager", "cgroupfs",
        "--events-backend", "none"));
    command.addAll(List.of(args));
    Map<String, String> env = new HashMap<>();
    env.put("PATH", dir.resolve("bin").toString());
    env.put("HOME", dir.resolve("home").toString());
    env.put("XDG_RUNTIME_DIR", dir.resolve("xdg").toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("home/.config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("home/.local/share").toString());
    env.putAll(extraEnv);
    Exec exec = Exec.command(command).env(env).stdin(stdin).timeout(TIMEOUT);
    // Nothing from the caller's environment may redirect podman's auth or config.
    for (String name : System.getenv().keySet()) {
      if (!env.containsKey(name)) {
        exec.env(name, null);
      }
    }
    Exec.Result r = exec.run();
    return new BerthCli.Result(r.exitCode(), r.stdout(), r.stderr());
  }

  /**
   * Puts a program on podman's PATH (a {@code docker-credential-*} helper) and sets variables
   * (DOCKER_CONFIG, where containers-image also looks for logins).
   */
  Podman with(String program, Path target, Map<String, String> env) {
    ToolPath.create(dir.resolve("bin"), Map.of("podman", "podman")).with(program, target);
    extraEnv.putAll(env);
    return this;
  }

  BerthCli.Result run(String... args) {
    return runWithInput("", args);
  }

  /** podman's XDG_RUNTIME_DIR: {@code podman login} writes {@code containers/auth.json} there. */
  Path runtimeDir() {
    return dir.resolve("xdg");
  }

  /** Deletes the state (vfs layers hold read-only directories; the testkit opens them first). */
  @Override
  public void close() {
    TempDirs.deleteRecursively(dir);
  }
}
