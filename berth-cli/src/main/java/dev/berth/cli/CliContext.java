package dev.berth.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch of the outside world: streams, environment and the terminal. Tests
 * build one with their own streams and environment, so commands never read globals.
 *
 * @param console the terminal, or null when stdin/stdout are not a terminal (no prompts then)
 */
public record CliContext(
    PrintStream out, PrintStream err, InputStream in, Map<String, String> env, Console console) {

  public String env(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /**
   * How the user runs Berth, for every message that tells them a command to type: {@code berth}
   * when the launcher was found on PATH, else the path they typed ({@code ./berth}). The launcher
   * exports it as {@code BERTH_INVOKED_AS}; without it (java -jar, tests) it is {@code berth}.
   */
  public String commandName() {
    String name = env("BERTH_INVOKED_AS");
    return name != null ? name : "berth";
  }

  /** The launcher script's real path ({@code BERTH_LAUNCHER}), for {@code berth install}; null without one. */
  public Path launcher() {
    String path = env("BERTH_LAUNCHER");
    return path != null ? Path.of(path) : null;
  }

  public Path home() {
    String home = env("HOME");
    return Path.of(home != null ? home : System.getProperty("user.home"));
  }

  /** {@code $XDG_DATA_HOME/berth}, else {@code ~/.local/share/berth}. */
  public Path dataHome() {
    String xdg = env("XDG_DATA_HOME");
    return (xdg != null ? Path.of(xdg) : home().resolve(".local/share")).resolve("berth");
  }

  /** docker's config directory: {@code $DOCKER_CONFIG}, else {@code ~/.docker}. */
  public Path dockerConfigDir() {
    String dc = env("DOCKER_CONFIG");
    return dc != null ? Path.of(dc) : home().resolve(".docker");
  }

  public BufferedReader stdinReader() {
    return new BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
  }
}
