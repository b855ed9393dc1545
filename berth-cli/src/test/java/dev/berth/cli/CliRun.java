package dev.berth.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs Berth in-process with its own streams and environment (HOME, XDG_DATA_HOME, DOCKER_CONFIG). */
final class CliRun {
  final Map<String, String> env = new HashMap<>();

  CliRun(Path home) {
    env.put("HOME", home.toString());
    env.put("XDG_DATA_HOME", home.resolve("data").toString());
    env.put("DOCKER_CONFIG", home.resolve("docker").toString());
  }

  record Result(int exitCode, String out, String err) {}

  Result run(String... args) {
    return run(new byte[0], args);
  }

  /** A context with this run's environment, discarding output. */
  CliContext context() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new CliContext(sink, sink, new ByteArrayInputStream(new byte[0]), env, null);
  }

  Result run(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(stdin), env, null);
    int code = new Berth(context).run(args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
