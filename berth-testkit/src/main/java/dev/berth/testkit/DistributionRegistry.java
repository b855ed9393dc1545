package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) as a real process on a loopback port:
 * filesystem storage and a log file in a work directory, htpasswd authentication, deletion on or
 * off. The reference peer for interop and conformance tests.
 *
 * <pre>{@code
 * try (DistributionRegistry registry = DistributionRegistry.builder().htpasswd(users).start()) {
 *   ... registry.host() ... // "127.0.0.1:PORT"
 * }
 * }</pre>
 */
public final class DistributionRegistry implements AutoCloseable {

  public static final String PROGRAM = "docker-registry";
  public static final String PACKAGE = "docker-registry";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final int port;
  private final Path workDir;
  private final boolean ownsWorkDir;

  private DistributionRegistry(Process process, int port, Path workDir, boolean ownsWorkDir) {
    this.process = process;
    this.port = port;
    this.workDir = workDir;
    this.ownsWorkDir = ownsWorkDir;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts a registry with deletion enabled, authenticating against {@code htpasswd}. */
  public static DistributionRegistry start(Path htpasswd) {
    return builder().htpasswd(htpasswd).start();
  }

  /** {@code 127.0.0.1:PORT}, as image references name it. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  /** The filesystem storage root. */
  public Path storage() {
    return workDir.resolve("storage");
  }

  /** The registry's log (stdout and stderr); worth printing when a test fails. */
  public Path logFile() {
    return workDir.resolve("registry.log");
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the registry, waits for it to exit, and removes the work directory if it created it. */
  @Override
  public void close() {
    Exec.kill(process);
    if (ownsWorkDir) {
      TempDirs.deleteRecursively(workDir);
    }
  }

  /** Options for one registry process. */
  public static final class Builder {
    private Path htpasswd;
    private Path workDir;
    private boolean deleteEnabled = true;
    private String realm = "berth-test";
    private String tokenRealm;
    private String tokenService;
    private String tokenIssuer;
    private Path rootCertBundle;

    /** The users file (bcrypt entries, as {@code htpasswd -B} writes). Required. */
    public Builder htpasswd(Path htpasswd) {
      this.htpasswd = htpasswd;
      return this;
    }

    /** Where config, storage and log go; by default a temp directory removed on close. */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    public Builder deleteEnabled(boolean deleteEnabled) {
      this.deleteEnabled = deleteEnabled;
      return this;
    }

    public Builder realm(String realm) {
      this.realm = realm;
      return this;
    }

    /**
     * Token auth ({@code auth: token:}) instead of htpasswd: the registry trusts tokens signed by
     * the keys whose certificates are in {@code rootCertBundle} and sends clients to {@code realm}.
     */
    public Builder tokenAuth(String realm, String service, String issuer, Path rootCertBundle) {
      this.tokenRealm = realm;
      this.tokenService = service;
      this.tokenIssuer = issuer;
      this.rootCertBundle = rootCertBundle;
      return this;
    }

    /** Starts the process and returns once {@code GET /v2/} answers. */
    public DistributionRegistry start() {
      Path program = Peers.require(PROGRAM, PACKAGE);
      if (tokenRealm == null && (htpasswd == null || !Files.isRegularFile(htpasswd))) {
        throw new IllegalArgumentException("htpasswd users file not found: " + htpasswd);
      }
      boolean owns = workDir == null;
      Path dir = owns ? TempDirs.create("berth-distribution-") : workDir;
      IllegalStateException failure = null;
      // The free port may be taken between finding and binding it: try a few.
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        int port = FreePort.find();
        try {
          return launch(program, dir, owns, port);
        } catch (IllegalStateException e) {
          failure = e;
          if (!e.getMessage().contains("address already in use")) {
            break;
          }
        }
      }
      if (owns) {
        TempDirs.deleteRecursively(dir);
      }
      throw failure;
    }

    private DistributionRegistry launch(Path program, Path dir, boolean owns, int port) {
      Path config = dir.resolve("config.yml");
      Path log = dir.resolve("registry.log");
      try {
        Files.createDirectories(dir.resolve("storage"));
        Files.writeString(config, config(dir.resolve("storage"), port), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the registry config in " + dir, e);
      }
      ProcessBuilder builder = new ProcessBuilder(List.of(program.toString(), "serve", config.toString()));
      // REGISTRY_* variables override the config file; none may leak in from the environment.
      builder.environment().keySet().removeIf(name -> name.startsWith("REGISTRY_"));
      builder.redirectErrorStream(true);
      builder.redirectOutput(log.toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + program, e);
      }
      DistributionRegistry registry = new DistributionRegistry(process, port, dir, owns);
      try {
        awaitReady(registry);
        return registry;
      } catch (RuntimeException e) {
        Exec.kill(process);
        throw e;
      }
    }

    private String config(Path storage, int port) {
      String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      // No blob descriptor cache: it would serve deleted blobs. No debug server: one port only.
      return """
          version: 0.1
          log:
            level: info
            formatter: text
            accesslog:
              disabled: true
          storage:
            filesystem:
              rootdirectory: %s
            delete:
              enabled: %s
            maintenance:
              uploadpurging:
                enabled: false
          http:
            addr: 127.0.0.1:%d
            secret: %s
          """.formatted(quote(storage.toString()), deleteEnabled, port, secret) + (tokenRealm != null ? """
          auth:
            token:
              realm: %s
              service: %s
              issuer: %s
              rootcertbundle: %s
          """.formatted(quote(tokenRealm), quote(tokenService), quote(tokenIssuer),
              quote(rootCertBundle.toAbsolutePath().toString())) : """
          auth:
            htpasswd:
              realm: %s
              path: %s
          """.formatted(quote(realm), quote(htpasswd.toAbsolutePath().toString())));
    }

    private static String quote(String value) {
      return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void awaitReady(DistributionRegistry registry) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest ping = HttpRequest.newBuilder(registry.baseUri().resolve("/v2/"))
          .timeout(Duration.ofSeconds(5)).GET().build();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (!registry.process.isAlive()) {
          throw new IllegalStateException("docker-registry exited with code "
              + registry.process.exitValue() + " while starting on port " + registry.port + ":\n"
              + tail(registry.logFile()));
        }
        try {
          int status = client.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status == 200 || status == 401) {
            return;
          }
          throw new IllegalStateException("docker-registry answered GET /v2/ with " + status);
        } catch (ConnectException notYet) {
          sleep();
        } catch (IOException notYet) {
          sleep();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for docker-registry", e);
        }
      }
      throw new IllegalStateException("docker-registry did not answer on port " + registry.port
          + " within " + START_TIMEOUT + ":\n" + tail(registry.logFile()));
    }

    private static void sleep() {
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static String tail(Path log) {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }
  }
}
