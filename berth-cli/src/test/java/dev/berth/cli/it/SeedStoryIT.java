package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The story of ../shared/seed/docker-login.md, replayed with Berth end to end: a real
 * {@code berth serve} with users made by {@code htpasswd -B}, login, push, logout, a push that
 * fails with docker's message, and a pull that still works with credentials.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedStoryIT extends WithBerthServe {
  private static final String REPO = "spring-vue-starter-repo/spring-vue-image";
  private static final String PRE_EXISTING = """
      {
        "auths": {
          "myid.jfrog.io": {"auth": "bXlpZEBnbWFpbC5jb206c2VjcmV0"}
        },
        "psFormat": "table {{.ID}}\\t{{.Names}}",
        "proxies": {"default": {"httpProxy": "http://proxy.example:3128", "noProxy": "127.0.0.1,localhost"}},
        "experimentalFeature": {"nested": [1, 2, {"x": true}]}
      }
      """;

  String host;

  SeedStoryIT() {
    super("myid@gmail.com", "s3cret-Passw0rd");
  }

  @BeforeAll
  void preExistingConfigAndImage() throws Exception {
    host = server.host();
    Files.createDirectories(cli.dockerConfigDir());
    Files.writeString(cli.dockerConfigDir().resolve("config.json"), PRE_EXISTING);
    Path image = dir.resolve("spring-vue-image.tar");
    TestPeers.dockerArchive(image, "spring-vue-image:131");
    BerthCli.Result load = cli.run("load", "-i", image.toString());
    assertThat(load.exitCode()).as(load.toString()).isZero();
    assertThat(load.out()).contains("Loaded image: spring-vue-image:131");
  }

  private String image(String tag) {
    return host + "/" + REPO + ":" + tag;
  }

  @Test
  @Order(1)
  void pushWithoutLoginFailsFast() throws Exception {
    assertThat(cli.run("tag", "spring-vue-image:131", image("131")).exitCode()).isZero();
    BerthCli.Result push = cli.run("push", image("131"));
    assertThat(push.exitCode()).as(push.toString()).isNotZero();
    assertThat(push.err()).contains("unauthorized: authentication required").contains("berth login " + host);
    assertThat(push.all()).doesNotContain("Retrying").doesNotContain("Exception");
  }

  @Test
  @Order(2)
  void loginWithWrongPasswordChangesNothing() throws Exception {
    byte[] before = Files.readAllBytes(cli.dockerConfigDir().resolve("config.json"));
    BerthCli.Result login = cli.runWithInput("wrong\n", "login", host, "-u", "myid@gmail.com", "--password-stdin");
    assertThat(login.exitCode()).as(login.toString()).isNotZero();
    assertThat(login.err()).contains(host).contains("unauthorized");
    assertThat(login.err().lines()).hasSize(1);
    assertThat(Files.readAllBytes(cli.dockerConfigDir().resolve("config.json"))).isEqualTo(before);
  }

  @Test
  @Order(3)
  void loginStoresDockerFormatAndKeepsEverythingElse() throws Exception {
    BerthCli.Result login = cli.runWithInput("s3cret-Passw0rd\n", "login", host, "-u", "myid@gmail.com", "--password-stdin");
    assertThat(login.exitCode()).as(login.toString()).isZero();
    assertThat(login.out()).contains("Login Succeeded");
    // no docker-credential-berth on this PATH, so plain text; but what is kept is a login token, not
    // the password, and docker prints its plaintext warning only for passwords
    assertThat(login.all()).doesNotContain("WARNING! Your credentials are stored unencrypted");
    assertThat(login.all()).doesNotContain("s3cret-Passw0rd");

    // berth serve hands out a revocable login token, and that is what is kept, not the password
    Path config = cli.dockerConfigDir().resolve("config.json");
    String json = Files.readString(config);
    String password = Base64.getEncoder().encodeToString("myid@gmail.com:s3cret-Passw0rd".getBytes(StandardCharsets.UTF_8));
    assertThat(json).contains("\"" + host + "\"").contains("\"identitytoken\": \"berth_rt_")
        .doesNotContain(password).doesNotContain("s3cret-Passw0rd");
    // what was there before survives
    assertThat(json).contains("myid.jfrog.io").contains("bXlpZEBnbWFpbC5jb206c2VjcmV0")
        .contains("psFormat").contains("http://proxy.example:3128").contains("experimentalFeature").contains("\"x\"");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
  }

  @Test
  @Order(4)
  void pushSucceedsLikeDocker() throws Exception {
    BerthCli.Result push = cli.run("push", image("131"));
    assertThat(push.exitCode()).as(push.toString()).isZero();
    assertThat(push.out()).contains("The push refers to repository [" + host + "/" + REPO + "]");
    assertThat(push.out()).containsPattern("(?m)^[0-9a-f]{12}: Pushed$");
    assertThat(push.out()).containsPattern("(?m)^131: digest: sha256:[0-9a-f]{64} size: [0-9]+$");
    BerthCli.Result again = cli.run("push", image("131"));
    assertThat(again.out()).containsPattern("(?m)^[0-9a-f]{12}: Layer already exists$");
  }

  @Test
  @Order(5)
  void logoutRemovesOnlyThatRegistry() throws Exception {
    BerthCli.Result logout = cli.run("logout", host);
    assertThat(logout.exitCode()).as(logout.toString()).isZero();
    assertThat(logout.out()).contains("Removing login credentials for " + host);
    String json = Files.readString(cli.dockerConfigDir().resolve("config.json"));
    assertThat(json).doesNotContain("\"" + host + "\"").contains("myid.jfrog.io").contains("psFormat");
    BerthCli.Result twice = cli.run("logout", host);
    assertThat(twice.exitCode()).as(twice.toString()).isZero();
  }

  @Test
  @Order(6)
  void pushAfterLogoutFailsWithTheRegistryMessage() throws Exception {
    assertThat(cli.run("tag", "spring-vue-image:131", image("132")).exitCode()).isZero();
    BerthCli.Result push = cli.run("push", image("132"));
    assertThat(push.exitCode()).as(push.toString()).isNotZero();
    assertThat(push.err()).contains("unauthorized: authentication required").contains("berth login " + host);
  }

  @Test
  @Order(7)
  void withCredentials131IsPullableAnd132DoesNotExist() throws Exception {
    assertThat(cli.runWithInput("s3cret-Passw0rd\n", "login", host, "-u", "myid@gmail.com", "--password-stdin").exitCode()).isZero();
    assertThat(cli.run("rmi", image("131")).exitCode()).isZero();
    BerthCli.Result pull = cli.run("pull", image("131"));
    assertThat(pull.exitCode()).as(pull.toString()).isZero();
    assertThat(pull.out()).contains("Digest: sha256:");
    assertThat(cli.run("images").out()).contains(host + "/" + REPO);
    BerthCli.Result missing = cli.run("pull", image("132"));
    assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
    assertThat(missing.err()).containsIgnoringCase("manifest unknown");
  }
}
