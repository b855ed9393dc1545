package dev.berth.credentials;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code docker-credential-NAME ACTION} program: the seam between the helper protocol and
 * real processes, so unit tests answer in-process and integration tests run real helpers. Secrets
 * travel only on stdin and stdout, never in argv.
 */
@FunctionalInterface
public interface HelperLauncher {
  Result run(String program, String action, byte[] stdin) throws IOException;

  /** @param stdout what the helper printed: JSON, or its error message when it failed */
  record Result(int exitCode, byte[] stdout) {
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8).strip();
    }
  }

  /** Real processes found on {@code PATH} (from {@code env} when given, else the JVM's). */
  static HelperLauncher processes(Map<String, String> env) {
    return (program, action, stdin) -> {
      String path = env != null && env.get("PATH") != null ? env.get("PATH") : System.getenv("PATH");
      // the JDK searches its own PATH; the caller's environment decides which helper runs
      java.nio.file.Path executable = findOnPath(program, path);
      if (executable == null) {
        throw new IOException(program + " is not installed or not executable");
      }
      ProcessBuilder pb = new ProcessBuilder(executable.toString(), action)
          .redirectError(ProcessBuilder.Redirect.DISCARD);
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
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try (OutputStream in = p.getOutputStream()) {
          in.write(stdin);
        } catch (IOException e) {
          // the helper may exit without reading; its exit code tells
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException(program + " " + action + " did not finish within 60 seconds");
        }
        return new Result(p.exitValue(), out.join());
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException(program + " " + action + " was interrupted");
      }
    };
  }

  private static java.nio.file.Path findOnPath(String program, String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      java.nio.file.Path candidate = java.nio.file.Path.of(dir, program);
      if (java.nio.file.Files.isRegularFile(candidate) && java.nio.file.Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      return buffer.toByteArray();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
