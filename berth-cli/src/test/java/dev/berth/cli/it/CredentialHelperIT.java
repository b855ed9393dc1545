package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.testkit.Exec;
import dev.berth.testkit.JibBuild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What {@code berth login} stores in Berth's encrypted store, the tools people push and pull with
 * read through {@code docker-credential-berth}: skopeo and podman (containers-image reads
 * config.json's {@code credHelpers}, not its {@code credsStore}) and Jib. Each runs with a PATH
 * holding only itself and the helper, against a real {@code berth serve}; config.json holds no
 * secret, so a login they use can only have come through the helper.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CredentialHelperIT extends WithBerthServe {
  private static final String USER = "helen";
  private static final String PASSWORD = "through the helper only";

  String host;
  Path helper;

  CredentialHelperIT() {
    super(USER, PASSWORD);
  }

  @BeforeAll
  void loginThroughTheHelper() throws Exception {
    host = server.host();
    Path bin = cli.home().resolve(".local/bin");
    BerthCli.Result install = cli.run("helper", "install", "--dir", bin.toString(), "--no-aot-cache");
    assertThat(install.exitCode()).as(install.toString()).isZero();
    helper = bin.resolve("docker-credential-berth");

    // berth itself finds the helper on its PATH, so the login goes to the encrypted store
    Map<String, String> env = new HashMap<>(cli.environment());
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    Exec.Result login = Exec.command(cli.command("login", host, "-u", USER, "--password-stdin"))
        .env(env).stdin(PASSWORD + "\n").run();
    assertThat(login.exitCode()).as(login.stdout() + login.stderr()).isZero();
    assertThat(login.stderr()).doesNotContain("unencrypted");
    Map<String, Object> config = JSON.std.mapFrom(Files.readString(cli.dockerConfigDir().resolve("config.json")));
    assertThat(config).isEqualTo(Map.of("auths", Map.of(host, Map.of()), "credHelpers", Map.of(host, "berth"), "credsStore", "berth"));

    // an image to find: pushed by berth with the same login
    Path image = dir.resolve("helper-image.tar");
    TestPeers.dockerArchive(image, host + "/helper/app:1");
    assertThat(cli.run("load", "-i", image.toString()).exitCode()).isZero();
    Exec.Result push = Exec.command(cli.command("push", host + "/helper/app:1")).env(env).run();
    assertThat(push.exitCode()).as("push with the login from the encrypted store\n" + push.stdout() + push.stderr()).isZero();
  }

  @Test
  @Order(1)
  void skopeoReadsTheLoginThroughTheHelper() {
    BerthCli.Result inspect = cli.withTools(List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Name}}",
        "docker://" + host + "/helper/app:1"), "", Map.of("docker-credential-berth", helper));
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    assertThat(inspect.out().strip()).isEqualTo(host + "/helper/app");

    // without the helper on its PATH, skopeo has no credentials: the login above came through it
    BerthCli.Result without = cli.exec(List.of("skopeo", "inspect", "--tls-verify=false", "docker://" + host + "/helper/app:1"), "");
    assertThat(without.exitCode()).as(without.toString()).isNotZero();
  }

  @Test
  @Order(2)
  void podmanPullsWithTheLoginThroughTheHelper() {
    try (Podman podman = new Podman(dir.resolve("podman"))) {
      podman.with("docker-credential-berth", helper, Map.of(
          "DOCKER_CONFIG", cli.dockerConfigDir().toString(),
          "XDG_DATA_HOME", cli.dataHome().toString(),
          "BERTH_AGENT", "off"));
      BerthCli.Result pull = podman.run("pull", "--tls-verify=false", host + "/helper/app:1");
      assertThat(pull.exitCode()).as(pull.toString()).isZero();
      assertThat(podman.run("image", "exists", host + "/helper/app:1").exitCode()).isZero();
    }
  }

  @Test
  @Order(3)
  void jibPushesWithTheLoginThroughTheHelper() throws Exception {
    Map<String, String> env = new HashMap<>(cli.environment());
    env.put("PATH", helper.getParent() + ":/usr/bin:/bin");
    Exec.Result jib = JibBuild.in(dir.resolve("jib")).push(host + "/helper/jib:1", env);
    assertThat(jib.exitCode()).as(jib.stdout() + jib.stderr()).isZero();
    assertThat(jib.stdout()).contains("Built and pushed image as " + host + "/helper/jib:1");
    assertThat(new RegistryHttp(host, USER, PASSWORD).get("/v2/helper/jib/manifests/1").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void dockerLogoutErasesThroughTheHelperAndNoFileEverHeldThePassword() throws Exception {
    BerthCli.Result logout = cli.withTools(List.of("docker", "logout", host), "", Map.of("docker-credential-berth", helper));
    assertThat(logout.exitCode()).as(logout.toString()).isZero();
    assertThat(logout.out()).isEqualTo("Removing login credentials for " + host + "\n");
    Exec.Result gone = Exec.command(helper.toString(), "get").env(cli.environment()).stdin(host).run();
    assertThat(gone.stdout()).isEqualTo("credentials not found in native keychain\n");

    byte[] password = PASSWORD.getBytes(StandardCharsets.UTF_8);
    byte[] auth = Base64.getEncoder().encode((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.walk(cli.home())) {
      for (Path f : files.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(content).as(f.toString()).doesNotContain(new String(password, StandardCharsets.ISO_8859_1))
            .doesNotContain(new String(auth, StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  @Order(5)
  void berthReadsWhatPodmanLoginWrote() throws Exception {
    Path emptyDockerConfig = java.nio.file.Files.createDirectories(dir.resolve("no-docker-login"));
    try (Podman podman = new Podman(dir.resolve("pl"))) {
      BerthCli.Result login = podman.runWithInput(PASSWORD + "\n", "login", "--tls-verify=false", "-u", USER, "--password-stdin", host);
      assertThat(login.exitCode()).as(login.toString()).isZero();
      assertThat(podman.runtimeDir().resolve("containers/auth.json")).exists();

      Map<String, String> env = new HashMap<>(cli.environment());
      env.put("DOCKER_CONFIG", emptyDockerConfig.toString());
      env.put("XDG_RUNTIME_DIR", podman.runtimeDir().toString());
      assertThat(cli.run("rmi", host + "/helper/app:1").exitCode()).isZero();
      Exec.Result pull = Exec.command(cli.command("pull", host + "/helper/app:1")).env(env).run();
      assertThat(pull.exitCode()).as(pull.stdout() + pull.stderr()).isZero();

      // and from REGISTRY_AUTH_FILE, which replaces the runtime directory's file
      Path moved = dir.resolve("podman-auth.json");
      java.nio.file.Files.move(podman.runtimeDir().resolve("containers/auth.json"), moved);
      env.put("REGISTRY_AUTH_FILE", moved.toString());
      assertThat(cli.run("rmi", host + "/helper/app:1").exitCode()).isZero();
      Exec.Result again = Exec.command(cli.command("pull", host + "/helper/app:1")).env(env).run();
      assertThat(again.exitCode()).as(again.stdout() + again.stderr()).isZero();
    }
  }
}
