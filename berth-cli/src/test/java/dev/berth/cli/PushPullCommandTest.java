package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.SyntheticImage;
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
  static DistributionRegistry registry;

  @BeforeAll
  static void start() {
    Path users = Htpasswd.create(registryDir.resolve("htpasswd"), "bob", "pa55-word");
    registry = DistributionRegistry.builder().workDir(registryDir).htpasswd(users).start();
  }

  /** A small image of {@code layers} layers whose docker save tar names it {@code repoTag}. */
  private static SyntheticImage image(long seed, int layers, String repoTag) {
    int[] sizes = new int[layers];
    java.util.Arrays.setAll(sizes, i -> 1024 + 977 * (i + 1));
    return SyntheticImage.builder().seed(seed).layerSizes(sizes).repoTag(repoTag).build();
  }

  private static Digest layerDigest(SyntheticImage image, int index) {
    return Digest.parse(image.diffIds().get(index));
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
    String name = registry.host() + "/spring-vue-starter-repo/spring-vue-image:131";
    var image = image(41, 2, name);
    CliRun berth = new CliRun(home);
    berth.run("load", "-i", image.writeDockerArchive(home.resolve("in.tar")).toString());
    login(home, "bob", "pa55-word");

    CliRun.Result push = berth.run("push", name);
    assertThat(push.exitCode()).as(push.err()).isZero();
    var lines = push.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("The push refers to repository [" + registry.host() + "/spring-vue-starter-repo/spring-vue-image]");
    // layers go up concurrently: their lines in any order
    assertThat(lines.subList(1, 3)).containsExactlyInAnyOrder(layerDigest(image, 1).shortId() + ": Pushed",
        layerDigest(image, 0).shortId() + ": Pushed");
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
    assertThat(puller.run("images", "-q").out()).isEqualTo(Digest.parse(image.config().digest()).shortId() + "\n");

    CliRun.Result missing = puller.run("pull", registry.host() + "/spring-vue-starter-repo/spring-vue-image:132");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("Error: manifest for " + registry.host()
        + "/spring-vue-starter-repo/spring-vue-image:132 not found: manifest unknown").hasLineCount(1);
  }

  @Test
  void copyGoesRegistryToRegistryMountingWithinOneAndBadArgumentsAreOneLine() throws Exception {
    String name = registry.host() + "/copy/source:1";
    var image = image(43, 2, name);
    CliRun berth = new CliRun(home);
    login(home, "bob", "pa55-word");
    berth.run("load", "-i", image.writeDockerArchive(home.resolve("in.tar")).toString());
    String digest = berth.run("push", name).out().lines().filter(l -> l.contains(": digest: ")).findFirst().orElseThrow()
        .split(" ")[2];

    CliRun.Result copy = berth.run("copy", "docker://" + name, "docker://" + registry.host() + "/copy/target:2");
    assertThat(copy.exitCode()).as(copy.err()).isZero();
    assertThat(copy.out().lines()).filteredOn(l -> l.endsWith(": Mounted from copy/source")).hasSize(2);
    assertThat(copy.out()).startsWith("Copying " + name + " to " + registry.host() + "/copy/target:2\n")
        .containsPattern("\n2: digest: " + digest + " size: \\d+\n$");
    CliRun.Result quiet = berth.run("copy", "-q", name, registry.host() + "/copy/target:3");
    assertThat(quiet.out()).isEqualTo(registry.host() + "/copy/target:3\n");
    // the copy is what was pushed: a pull of it says the same digest
    CliRun other = new CliRun(home.resolve("other"));
    login(home.resolve("other"), "bob", "pa55-word");
    assertThat(other.run("pull", registry.host() + "/copy/target:2").out()).contains("Digest: " + digest + "\n");

    assertOneLine(berth.run("copy", "oci:/tmp/layout", name), "Error: unsupported transport oci: in oci:/tmp/layout"
        + " (only docker:// names a registry image)");
    assertOneLine(berth.run("pull", "--platform", "amd64", name),
        "Error: invalid platform: amd64 (expected os/arch[/variant], such as linux/amd64)");
    assertOneLine(berth.run("pull", "--platform", "linux/amd64", "--all-platforms", name),
        "Error: --platform and --all-platforms cannot be used together");
    assertOneLine(berth.run("push", "--concurrency", "0", name), "Error: invalid concurrency: 0 (expected 1 to 64)");
  }

  private static void assertOneLine(CliRun.Result r, String error) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(error + "\n");
  }

  @Test
  void pushWithoutOrWithWrongCredentialsFailsFastWithTheHint() throws Exception {
    String name = registry.host() + "/spring-vue-starter-repo/spring-vue-image:132";
    var image = image(42, 1, name);
    CliRun berth = new CliRun(home);
    berth.run("load", "-i", image.writeDockerArchive(home.resolve("in.tar")).toString());
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
