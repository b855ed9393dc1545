package dev.berth.client.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) on 127.0.0.1 and a free port, storing in
 * a directory, with htpasswd auth from a file made by {@code htpasswd -Bbn}. Close stops it.
 */
public final class DockerRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private final Process process;
  private final int port;
  private final Path log;

  private DockerRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static boolean available() {
    return Files.isExecutable(BINARY) && Files.isExecutable(Path.of("/usr/bin/htpasswd"));
  }

  public static DockerRegistry start(Path dir, String user, String password) throws IOException, InterruptedException {
    Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
    String line = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (htpasswd.waitFor() != 0) {
      throw new IOException("htpasswd failed: " + line);
    }
    Files.writeString(dir.resolve("htpasswd"), line + "\n");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("storage"));
    Files.writeString(dir.resolve("config.yml"), """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: 127.0.0.1:%d
        auth:
          htpasswd:
            realm: berth-test
            path: %s
        """.formatted(dir.resolve("storage"), port, dir.resolve("htpasswd")));
    Path log = dir.resolve("registry.log");
    Process p = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    DockerRegistry registry = new DockerRegistry(p, port, log);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (true) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
        c.setConnectTimeout(500);
        int status = c.getResponseCode();
        c.disconnect();
        if (status == 401) {
          return registry;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!p.isAlive() || Instant.now().isAfter(deadline)) {
        registry.close();
        throw new IOException("docker-registry did not start: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
  }

  public String host() {
    return "127.0.0.1:" + port;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
