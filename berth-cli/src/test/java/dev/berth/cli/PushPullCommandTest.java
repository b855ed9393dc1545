package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.client.testing.DockerRegistry;
import dev.berth.client.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** berth push/pull against Debian's docker-registry with htpasswd auth; credentials from config.json. */
class PushPullCommandTest {
  @TempDir static Path registryDir;
  @TempDir Path home;
  static DockerRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry and htpasswd are not installed");
    registry = DockerRegistry.start(registryDir, "bob", "pa55-word");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private void login(Path home, String user, String password) throws Exception {
    Files.createDirectories(home.resolve("docker"));
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    Files.writeString(home.resolve("docker/config.json"),
        "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}},\"credsStore\":\"\"}");
  }

  @Test
  void pushWithCredentialsThenPullIntoAnEmptyStore() throws Exception {
    var image = TestImages.image("push-cli", 2);
    String name = registry.host() + "/spring-vue-starter-repo/spring-vue-image:131";
    CliRun berth = new CliRun(home);
    berth.run("load", "-i", image.writeDockerSave(home.resolve("in.tar"), name).toString());
    login(home, "bob", "pa55-word");

    CliRun.Result push = berth.run("push", name);
    assertThat(push.exitCode()).as(push.err()).isZero();
    var lines = push.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("The push refers to repository [" + registry.host() + "/spring-vue-starter-repo/spring-vue-image]");
    assertThat(lines.get(1)).isEqualTo(image.layerDigests().get(1).shortId() + ": Pushed");
    assertThat(lines.get(2)).isEqualTo(image.layerDigests().get(0).shortId() + ": Pushed");
    assertThat(lines.get(3)).matches("131: digest: sha256:[0-9a-f]{64} size: \\d+");
    String digest = lines.get(3).split(" ")[2];

    Path other = home.resolve("other");
    CliRun puller = new CliRun(other);
    login(other, "bob", "pa55-word");
    CliRun.Result pull = puller.run("pull", name);
    assertThat(pull.exitCode()).as(pull.err()).isZero();
    assertThat(pull.out()).contains("131: Pulling from spring-vue-starter-repo/spring-vue-image\n")
        .contains("Digest: " + digest + "\n")
        .contains("Status: Downloaded newer image for " + name + "\n")
        .endsWith(name + "\n");
    assertThat(puller.run("images", "-q").out()).isEqualTo(image.configDigest().shortId() + "\n");

    CliRun.Result missing = puller.run("pull", registry.host() + "/spring-vue-starter-repo/spring-vue-image:132");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("Error: manifest for " + registry.host()
        + "/spring-vue-starter-repo/spring-vue-image:132 not found: manifest unknown").hasLineCount(1);
  }

  @Test
  void pushWithoutOrWithWrongCredentialsFailsFastWithTheHint() throws Exception {
    var image = TestImages.image("push-denied", 1);
    String name = registry.host() + "/spring-vue-starter-repo/spring-vue-image:132";
    CliRun berth = new CliRun(home);
    berth.run("load", "-i", image.writeDockerSave(home.resolve("in.tar"), name).toString());
    String expected = "Error: unauthorized: authentication required (pushing to " + registry.host()
        + "/spring-vue-starter-repo/spring-vue-image); run 'berth login " + registry.host() + "'\n";

    CliRun.Result anonymous = berth.run("push", name);
    assertThat(anonymous.exitCode()).isEqualTo(1);
    assertThat(anonymous.err()).isEqualTo(expected);

    login(home, "bob", "not-the-password");
    CliRun.Result wrong = berth.run("push", name);
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).isEqualTo(expected).doesNotContain("not-the-password");
  }
}
