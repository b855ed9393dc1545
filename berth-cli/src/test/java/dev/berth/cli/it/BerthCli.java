package dev.berth.cli.it;

import dev.berth.testkit.Exec;
import dev.berth.testkit.TempDirs;
import dev.berth.testkit.ToolPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the shaded jars as a real process with its own HOME, DOCKER_CONFIG and XDG_DATA_HOME, as a
 * user would run {@code ./berth}: the registry's commands on {@code berth.jar}, the others on
 * {@code berth-client.jar}, which lacks the registry's libraries (so a client command that came to
 * need one fails here, not only for users).
 */
final class BerthCli {
  record Result(int exitCode, String out, String err) {
    String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static final Path JAR = Path.of(System.getProperty("berth.jar", "target/berth.jar"));
  static final Path CLIENT_JAR = JAR.resolveSibling("berth-client.jar");
  /** The commands ./berth runs on berth.jar. */
  private static final List<String> REGISTRY_COMMANDS = List.of("serve", "gc", "user", "token", "trust");
  static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  /** Where the peers this class runs come from (the docker CLI is not a Debian package here). */
  private static final Map<String, String> PACKAGES = Map.of("docker", "docker-ce-cli", "htpasswd", "apache2-utils");

  private final Path home;

  BerthCli(Path home) {
    this.home = home;
  }

  Path home() {
    return home;
  }

  Path dockerConfigDir() {
    return home.resolve(".docker");
  }

  Path dataHome() {
    return home.resolve(".local/share");
  }

  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("DOCKER_CONFIG", dockerConfigDir().toString());
    env.put("XDG_DATA_HOME", dataHome().toString());
    env.put("BERTH_AGENT", "off"); // no helper's agent outlives a test
    return env;
  }

  List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(JAVA.toString(), "-XX:TieredStopAtLevel=1"));
    if (args.length > 0 && REGISTRY_COMMANDS.contains(args[0])) {
      cmd.addAll(List.of("-jar", JAR.toString()));
    } else {
      cmd.addAll(List.of("-cp", CLIENT_JAR.toString(), "dev.berth.cli.Main"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  Result runWithInput(String stdin, String... args) {
    return exec(command(args), stdin);
  }

  Result run(String... args) {
    return runWithInput("", args);
  }

  /**
   * Runs any program (docker, skopeo) in the same environment, with a PATH that holds that program
   * alone: nothing else installed on the machine (a credential helper docker would pick by itself)
   * can change what it does.
   */
  Result exec(List<String> command, String stdin) {
    return exec(command, stdin, Map.of(), Map.of());
  }

  /** As {@link #exec(List, String)}, with more programs on the PATH (name → file), such as a credential helper. */
  Result withTools(List<String> command, String stdin, Map<String, Path> tools) {
    return exec(command, stdin, tools, Map.of());
  }

  /** As {@link #exec(List, String)}, with more environment variables (they win). */
  Result exec(List<String> command, String stdin, Map<String, String> extra) {
    return exec(command, stdin, Map.of(), extra);
  }

  private Result exec(List<String> command, String stdin, Map<String, Path> tools, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("DOCKER_") || k.startsWith("XDG_") || k.startsWith("REGISTRY_AUTH")
        || k.startsWith("BERTH_") && !k.equals("BERTH_PEERS_OPTIONAL"));
    env.putAll(environment());
    env.putAll(extra);
    String program = command.getFirst();
    if (!program.contains("/")) {
      Path bin = home.resolve("bin-" + program);
      TempDirs.deleteRecursively(bin); // exactly the programs this call names
      ToolPath path = ToolPath.create(bin, Map.of(program, PACKAGES.getOrDefault(program, program)));
      tools.forEach(path::with);
      env.put("PATH", path.path());
    }
    Exec.Result r = Exec.command(command).env(env).stdin(stdin).timeout(Duration.ofSeconds(120)).run();
    return new Result(r.exitCode(), r.stdout(), r.stderr());
  }
}
