package dev.berth.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded {@code berth.jar} as a real process with its own HOME, DOCKER_CONFIG and
 * XDG_DATA_HOME, as a user would run {@code ./berth}.
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
  static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

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
    return env;
  }

  List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(JAVA.toString(), "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  Result run(String stdin, String... args) throws IOException, InterruptedException {
    return exec(command(args), stdin);
  }

  Result run(String... args) throws IOException, InterruptedException {
    return run("", args);
  }

  /** Runs any program (docker, skopeo) in the same environment. */
  Result exec(List<String> command, String stdin) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(environment());
    Path out = Files.createTempFile("berth-it", ".out");
    Path err = Files.createTempFile("berth-it", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    try {
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
