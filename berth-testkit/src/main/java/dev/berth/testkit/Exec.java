package dev.berth.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a program to completion with a deadline and captures what it printed. A program that
 * overruns its deadline is killed (with its children) and the call fails with the output so far,
 * so a hung peer fails one test instead of hanging the build.
 *
 * <pre>{@code
 * Exec.Result r = Exec.run(Duration.ofSeconds(30), "skopeo", "inspect", "docker://...");
 * Exec.Result r = Exec.command("berth", "login", host).stdin("secret\n").env("HOME", dir).run();
 * }</pre>
 */
public final class Exec {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final List<String> command;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<String> removedEnvironment = new ArrayList<>();
  private byte[] stdin = new byte[0];
  private Path directory;
  private Duration timeout = DEFAULT_TIMEOUT;

  private Exec(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command given");
    }
    this.command = List.copyOf(command);
  }

  public static Exec command(String... command) {
    return new Exec(List.of(command));
  }

  public static Exec command(List<String> command) {
    return new Exec(command);
  }

  /** Runs {@code command} with no input and the given deadline. */
  public static Result run(Duration timeout, String... command) {
    return command(command).timeout(timeout).run();
  }

  /** Runs {@code command} with no input and {@link #DEFAULT_TIMEOUT}. */
  public static Result run(String... command) {
    return command(command).run();
  }

  /** Sets (or, with a null value, removes) one environment variable of the child. */
  public Exec env(String name, String value) {
    if (value == null) {
      environment.remove(name);
      removedEnvironment.add(name);
    } else {
      environment.put(name, value);
    }
    return this;
  }

  public Exec env(Map<String, String> variables) {
    variables.forEach(this::env);
    return this;
  }

  public Exec stdin(String text) {
    return stdin(text.getBytes(StandardCharsets.UTF_8));
  }

  public Exec stdin(byte[] bytes) {
    this.stdin = bytes.clone();
    return this;
  }

  public Exec directory(Path directory) {
    this.directory = directory;
    return this;
  }

  public Exec timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** Runs the program; fails if it cannot start or overruns the deadline. Any exit code is returned. */
  public Result run() {
    ProcessBuilder builder = new ProcessBuilder(command);
    removedEnvironment.forEach(builder.environment()::remove);
    builder.environment().putAll(environment);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + describe(), e);
    }
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    feed(process.getOutputStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new IllegalStateException("timed out after " + timeout + ": " + describe()
            + "\n--- stdout ---\n" + text(out) + "\n--- stderr ---\n" + text(err));
      }
      return new Result(process.exitValue(), text(out), text(err));
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + describe(), e);
    }
  }

  private void feed(OutputStream in) {
    // A program that never reads its input must not block us: feed it from another thread.
    Thread.ofVirtual().start(() -> {
      try (in) {
        in.write(stdin);
      } catch (IOException ignored) {
        // The program exited or closed its input early; its exit code tells the story.
      }
    });
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      try (stream) {
        stream.transferTo(buffer);
      } catch (IOException ignored) {
        // Stream closed by a kill: keep what was read.
      }
      result.complete(buffer.toByteArray());
    });
    return result;
  }

  private static String text(CompletableFuture<byte[]> future) {
    try {
      return new String(future.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    } catch (TimeoutException | ExecutionException e) {
      // A grandchild may still hold the pipe open; report what we can.
      return "(output unavailable: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /** Kills a process and all its descendants, then waits for it to be gone. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String describe() {
    return String.join(" ", command);
  }

  /** What a finished program did. */
  public record Result(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    /** Returns this result when the exit code is 0, else fails with the output. */
    public Result requireSuccess() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr);
      }
      return this;
    }
  }
}
