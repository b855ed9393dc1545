package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long-running program (a server) started in the background, considered ready once its output
 * shows a line matching a pattern, e.g. {@code berth serve}'s {@code listening on http://HOST:PORT}.
 * Output goes to a log file (never a pipe that could fill up and block it). {@link #kill()} is a
 * {@code kill -9}, for crash tests; {@link #close()} stops it politely, then forcibly.
 *
 * <pre>{@code
 * try (ServerProcess berth = ServerProcess.start(
 *     List.of(java, "-jar", jar, "serve", "--listen", "127.0.0.1:0", ...),
 *     Pattern.compile("listening on http://(\\S+)"), Duration.ofSeconds(30), Map.of(), log)) {
 *   String host = berth.readyMatch().group(1);
 * }
 * }</pre>
 */
public final class ServerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final Matcher ready;
  private final String description;

  private ServerProcess(Process process, Path log, Matcher ready, String description) {
    this.process = process;
    this.log = log;
    this.ready = ready;
    this.description = description;
  }

  /**
   * Starts {@code command} with extra {@code environment}, output (stdout and stderr) appended to
   * {@code log}, and waits until a line matches {@code readyLine}; fails with the output if the
   * program exits first or the timeout passes.
   */
  public static ServerProcess start(List<String> command, Pattern readyLine, Duration timeout,
      Map<String, String> environment, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    String description = String.join(" ", command);
    long logStart;
    Process process;
    try {
      logStart = Files.exists(log) ? Files.size(log) : 0;
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + description, e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        String output = readFrom(log, logStart);
        Matcher matcher = output.lines().map(readyLine::matcher).filter(Matcher::find)
            .findFirst().orElse(null);
        if (matcher != null) {
          return new ServerProcess(process, log, matcher, description);
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(description + " exited with code " + process.exitValue()
              + " before printing a line matching " + readyLine + ":\n" + output);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(description + " printed no line matching " + readyLine
              + " within " + timeout + ":\n" + output);
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    } catch (InterruptedException e) {
      Exec.kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + description, e);
    } catch (RuntimeException e) {
      Exec.kill(process);
      throw e;
    }
  }

  /** The match of the ready line, e.g. group 1 of {@code listening on http://(\S+)}. */
  public Matcher readyMatch() {
    return ready;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the program printed to the log so far. */
  public String output() {
    return readFrom(log, 0);
  }

  /** {@code kill -9} (with its children) and wait: the crash in crash tests. */
  public void kill() {
    Exec.kill(process);
  }

  /** SIGTERM, up to 10 s to exit, then SIGKILL. Returns the exit code. */
  public int stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        Exec.kill(process);
      }
      return process.waitFor();
    } catch (InterruptedException e) {
      Exec.kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + description, e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }

  private static String readFrom(Path log, long offset) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(offset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + log, e);
    }
  }
}
