package dev.berth.credentials;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@code docker-credential-NAME ACTION} program: the seam between the helper protocol and
 * real processes, so unit tests answer in-process and integration tests run real helpers. Secrets
 * travel only on stdin and stdout, never in argv.
 *
 * <p>A helper is a program Berth does not control: it may hang (a keyring waiting for a prompt
 * nobody sees), crash, or print without end. The real launcher gives it a deadline, reads at most
 * {@value #MAX_OUTPUT} bytes of what it prints, and kills it (with its children) otherwise.
 */
@FunctionalInterface
public interface HelperLauncher {
  int MAX_OUTPUT = 1 << 20;
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  Result run(String program, String action, byte[] stdin) throws IOException;

  /** Whether {@code program} can be run (for a fake launcher: always). */
  default boolean installed(String program) {
    return true;
  }

  /** @param stdout what the helper printed: JSON, or its error message when it failed */
  record Result(int exitCode, byte[] stdout) {
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8).strip();
    }
  }

  /** Real processes found on {@code PATH} (from {@code env} when given, else the JVM's). */
  static HelperLauncher processes(Map<String, String> env) {
    return processes(env, DEFAULT_TIMEOUT);
  }

  static HelperLauncher processes(Map<String, String> env, Duration timeout) {
    return new ProcessLauncher(env, timeout);
  }

  /** The first executable {@code program} on {@code path} (a PATH value), or null. */
  static Path findOnPath(String program, String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** The launcher for real processes. */
  final class ProcessLauncher implements HelperLauncher {
    private final Map<String, String> env;
    private final Duration timeout;

    ProcessLauncher(Map<String, String> env, Duration timeout) {
      this.env = env;
      this.timeout = timeout;
    }

    private String path() {
      return env != null && env.get("PATH") != null ? env.get("PATH") : System.getenv("PATH");
    }

    @Override
    public boolean installed(String program) {
      return findOnPath(program, path()) != null;
    }

    @Override
    public Result run(String program, String action, byte[] stdin) throws IOException {
      String path = path();
      // the JDK searches its own PATH; the caller's environment decides which helper runs
      Path executable = findOnPath(program, path);
      if (executable == null) {
        throw new IOException(program + " is not installed or not executable");
      }
      ProcessBuilder pb = new ProcessBuilder(executable.toString(), action)
          .redirectError(ProcessBuilder.Redirect.DISCARD);
      if (env != null) {
        pb.environment().clear();
        pb.environment().putAll(env);
      }
      if (path != null) {
        pb.environment().put("PATH", path);
      }
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IOException(program + " is not installed or not executable");
      }
      try {
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readBounded(p.getInputStream()));
        Thread.ofVirtual().start(() -> {
          try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
          } catch (IOException e) {
            // the helper may exit without reading; its exit code tells
          }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] printed;
        try {
          printed = out.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          kill(p);
          throw new IOException(program + " " + action + " did not answer within " + timeout.toSeconds() + " seconds");
        } catch (ExecutionException e) {
          kill(p);
          throw new IOException(program + " " + action + " failed: " + e.getCause().getMessage());
        }
        if (printed.length > MAX_OUTPUT) {
          kill(p);
          throw new IOException(program + " " + action + " printed more than " + MAX_OUTPUT + " bytes");
        }
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          kill(p);
          throw new IOException(program + " " + action + " did not exit within " + timeout.toSeconds() + " seconds");
        }
        return new Result(p.exitValue(), printed);
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
        throw new IOException(program + " " + action + " was interrupted");
      }
    }

    // Up to MAX_OUTPUT + 1 bytes: one more than allowed tells the caller the helper flooded.
    private static byte[] readBounded(InputStream stream) {
      try (InputStream in = stream) {
        byte[] buffer = new byte[8192];
        int length = 0;
        while (length <= MAX_OUTPUT) {
          if (length == buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_OUTPUT + 1));
          }
          int n = in.read(buffer, length, buffer.length - length);
          if (n < 0) {
            break;
          }
          length += n;
        }
        return Arrays.copyOf(buffer, length);
      } catch (IOException e) {
        return new byte[0];
      }
    }

    private static void kill(Process p) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
