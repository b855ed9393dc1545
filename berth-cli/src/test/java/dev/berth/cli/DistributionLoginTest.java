package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.Htpasswd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth login} against the reference registry, Debian's {@code docker-registry} (CNCF
 * distribution 2.8) with an htpasswd file made by {@code htpasswd -B}; skopeo then uses the login.
 */
class DistributionLoginTest {
  static final String PASSWORD = "distribution-pw";

  @TempDir Path home;
  Process registry;
  String host;
  Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    Path htpasswd = home.resolve("htpasswd");
    Htpasswd.create(htpasswd, "alice", PASSWORD);

    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    host = "127.0.0.1:" + port;
    Path config = home.resolve("registry.yml");
    Files.writeString(config, """
        version: 0.1
        log:
          level: error
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: %s
        auth:
          htpasswd:
            realm: Registry Realm
            path: %s
        """.formatted(home.resolve("storage"), host, htpasswd));
    registry = new ProcessBuilder("docker-registry", "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(home.resolve("registry.log").toFile()).start();
    awaitListening(port);
    env = Map.of("HOME", home.toString(), "DOCKER_CONFIG", home.resolve("docker").toString(), "PATH", "/usr/bin:/bin");
  }

  @AfterEach
  void stop() throws Exception {
    registry.destroy();
    if (!registry.waitFor(10, TimeUnit.SECONDS)) {
      registry.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void loginLogoutAgainstDistribution() throws Exception {
    LoginRun wrong = LoginRun.run(env, "nope", "login", host, "-u", "alice", "--password-stdin");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).isEqualTo("Error: cannot log in to " + host
        + ": unauthorized: authentication required (GET http://" + host + "/v2/ answered 401)\n");
    assertThat(home.resolve("docker/config.json")).doesNotExist();

    LoginRun ok = LoginRun.run(env, PASSWORD + "\n", "login", host, "-u", "alice", "--password-stdin");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).isEqualTo("Login Succeeded\n");

    // skopeo (containers/image) reads the same DOCKER_CONFIG: with the login, a tag list of a
    // repository that does not exist gets 404; after logout, "authentication required"
    assertThat(skopeoListTags()).contains("404").doesNotContain("authentication required");

    LoginRun out = LoginRun.run(env, "", "logout", host);
    assertThat(out.out()).isEqualTo("Removing login credentials for " + host + "\n");
    assertThat(skopeoListTags()).contains("authentication required").doesNotContain("404");
  }

  private String skopeoListTags() throws Exception {
    ProcessBuilder skopeo = new ProcessBuilder("skopeo", "list-tags", "--tls-verify=false", "docker://" + host + "/nothing/here")
        .redirectErrorStream(true);
    skopeo.environment().putAll(env);
    skopeo.environment().put("XDG_RUNTIME_DIR", Files.createDirectories(home.resolve("runtime")).toString());
    skopeo.environment().remove("REGISTRY_AUTH_FILE");
    Process p = skopeo.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(said).isNotZero();
    return said;
  }

  private static void awaitListening(int port) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("docker-registry did not start listening on port " + port);
  }
}
