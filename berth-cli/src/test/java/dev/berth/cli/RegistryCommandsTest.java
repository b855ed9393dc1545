package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.BerthVersion;
import dev.berth.model.JsonReader;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.SyntheticImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that talk to a registry, against Debian's docker-registry (CNCF distribution) with
 * htpasswd auth: pull and push as docker words them ({@code Using default tag}, {@code -a},
 * {@code -q}), {@code manifest inspect}, {@code search} and {@code version SERVER}; the Berth
 * server's version header against an in-process Berth registry.
 */
class RegistryCommandsTest {
  @TempDir static Path registryDir;
  @TempDir Path home;
  static DistributionRegistry registry;
  static SyntheticImage image = SyntheticImage.builder().seed(51).layerSizes(1500, 700).build();

  @BeforeAll
  static void start() {
    Path users = Htpasswd.create(registryDir.resolve("htpasswd"), "carol", "c4rol-pw");
    registry = DistributionRegistry.builder().workDir(registryDir).htpasswd(users).start();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private CliRun client(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("docker"));
    String auth = Base64.getEncoder().encodeToString("carol:c4rol-pw".getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("docker/config.json"),
        "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}},\"credsStore\":\"\"}");
    return new CliRun(dir);
  }

  private static CliRun.Result ok(CliRun.Result r) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    return r;
  }

  /** Loads the image under these names (a docker save tar names them all). */
  private CliRun loaded(Path dir, String... names) throws Exception {
    CliRun berth = client(dir);
    Path tar = SyntheticImage.builder().seed(51).layerSizes(1500, 700).repoTags(names).build()
        .writeDockerArchive(dir.resolve("in.tar"));
    ok(berth.run("load", "-i", tar.toString()));
    return berth;
  }

  @Test
  void pushAndPullWithoutATagUseLatestAndSaySo() throws Exception {
    String repo = registry.host() + "/team/plain";
    CliRun pusher = loaded(home.resolve("a"), repo + ":latest");
    List<String> push = ok(pusher.run("push", repo)).out().lines().toList();
    assertThat(push.getFirst()).isEqualTo("Using default tag: latest");
    assertThat(push.get(1)).isEqualTo("The push refers to repository [" + repo + "]");
    assertThat(push.getLast()).matches("latest: digest: sha256:[0-9a-f]{64} size: \\d+");

    List<String> pull = ok(client(home.resolve("b")).run("pull", repo)).out().lines().toList();
    assertThat(pull.getFirst()).isEqualTo("Using default tag: latest");
    assertThat(pull.get(1)).isEqualTo("latest: Pulling from team/plain");
    assertThat(pull.getLast()).isEqualTo(repo + ":latest");
    // a tag or a digest given: nothing to say
    assertThat(ok(client(home.resolve("b")).run("pull", repo + ":latest")).out()).doesNotContain("Using default tag");
  }

  @Test
  void quietPushAndPullPrintOnlyTheName() throws Exception {
    String repo = registry.host() + "/team/quiet";
    CliRun pusher = loaded(home.resolve("a"), repo + ":1");
    assertThat(ok(pusher.run("push", "-q", repo + ":1")).out()).isEqualTo(repo + ":1\n");
    CliRun puller = client(home.resolve("b"));
    assertThat(ok(puller.run("pull", "--quiet", repo + ":1")).out()).isEqualTo(repo + ":1\n");
    assertThat(ok(puller.run("images", "-q")).out()).isEqualTo(
        dev.berth.model.Digest.parse(image.config().digest()).shortId() + "\n");
  }

  @Test
  void allTagsPushedAndPulled() throws Exception {
    String repo = registry.host() + "/team/tags";
    CliRun pusher = loaded(home.resolve("a"), repo + ":1", repo + ":2", "elsewhere:3");
    List<String> push = ok(pusher.run("push", "--all-tags", repo)).out().lines().toList();
    assertThat(push).filteredOn(l -> l.startsWith("The push refers to")).hasSize(1);
    assertThat(push).filteredOn(l -> l.matches("[12]: digest: sha256:[0-9a-f]{64} size: \\d+")).hasSize(2);
    assertThat(push).noneMatch(l -> l.startsWith("Using default tag"));

    CliRun puller = client(home.resolve("b"));
    List<String> pull = ok(puller.run("pull", "-a", repo)).out().lines().toList();
    assertThat(pull).contains("1: Pulling from team/tags", "2: Pulling from team/tags");
    assertThat(pull.getLast()).isEqualTo(repo);
    assertThat(ok(puller.run("images", "--format", "{{.Tag}}")).out().lines()).containsExactlyInAnyOrder("1", "2");

    CliRun.Result tagged = puller.run("pull", "-a", repo + ":1");
    assertThat(tagged.exitCode()).isEqualTo(1);
    assertThat(tagged.err()).isEqualTo("Error: tag can't be used with --all-tags/-a\n");
  }

  @Test
  void manifestInspectPrintsTheStoredManifestIndentedAsDocker() throws Exception {
    String repo = registry.host() + "/team/manifest";
    CliRun berth = loaded(home.resolve("a"), repo + ":1");
    ok(berth.run("push", repo + ":1"));
    CliRun.Result r = ok(client(home.resolve("b")).run("manifest", "inspect", repo + ":1"));
    assertThat(r.out()).startsWith("{\n\t\"schemaVersion\": 2,\n\t\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n\t\"config\": {\n\t\t");
    @SuppressWarnings("unchecked")
    Map<String, Object> manifest = (Map<String, Object>) JsonReader.parse(r.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) manifest.get("config");
    assertThat(config.get("digest")).isEqualTo(image.config().digest());

    CliRun.Result verbose = ok(client(home.resolve("b")).run("manifest", "inspect", "-v", repo + ":1"));
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) JsonReader.parse(verbose.out());
    assertThat(v.keySet()).containsExactly("Ref", "Descriptor", "Raw", "OCIManifest");
    assertThat((String) v.get("Ref")).startsWith(repo + "@sha256:");

    CliRun.Result missing = client(home.resolve("b")).run("manifest", "inspect", repo + ":nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("Error: no such manifest: " + repo + ":nope\n");
  }

  @Test
  void searchListsCatalogRepositoriesInDockersTable() throws Exception {
    CliRun berth = loaded(home.resolve("a"), registry.host() + "/search/alpha:1", registry.host() + "/search/beta:1");
    ok(berth.run("push", "-a", registry.host() + "/search/alpha"));
    ok(berth.run("push", "-a", registry.host() + "/search/beta"));
    List<String> table = ok(berth.run("search", registry.host() + "/search/")).out().lines().toList();
    // NAME as wide as the longest name + 3; DESCRIPTION (empty) as its title + 3; STARS at 10
    int name = registry.host().length() + "/search/alpha".length() + 3;
    assertThat(table.getFirst()).isEqualTo("NAME" + " ".repeat(name - 4) + "DESCRIPTION   STARS     OFFICIAL");
    assertThat(table.subList(1, table.size())).containsExactly(
        registry.host() + "/search/alpha   " + " ".repeat(14) + "0" + " ".repeat(9),
        registry.host() + "/search/beta    " + " ".repeat(14) + "0" + " ".repeat(9));
    assertThat(ok(berth.run("search", "--format", "{{.Name}}", registry.host() + "/bet")).out())
        .isEqualTo(registry.host() + "/search/beta\n");
    assertThat(ok(berth.run("search", "--limit", "1", "--format", "{{.Name}}", registry.host() + "/search")).out().lines()).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) JsonReader.parse(
        ok(berth.run("search", "--format", "json", registry.host() + "/alpha")).out());
    assertThat(json.keySet()).containsExactly("Description", "IsAutomated", "IsOfficial", "Name", "StarCount");
    CliRun.Result hub = berth.run("search", "ubuntu");
    assertThat(hub.exitCode()).isEqualTo(1);
    assertThat(hub.err()).isEqualTo("Error: Docker Hub has no catalog to search; name a registry: berth search HOST/ubuntu\n");
  }

  @Test
  void versionNamesTheServerWhenAsked() throws Exception {
    CliRun berth = new CliRun(home);
    List<String> client = ok(berth.run("version")).out().lines().toList();
    assertThat(client.getFirst()).isEqualTo("Client:");
    assertThat(client.get(1)).isEqualTo(" Version:           " + BerthVersion.VERSION);
    assertThat(client).anyMatch(l -> l.matches(" OS/Arch: {11}linux/(amd64|arm64)"));

    List<String> distribution = ok(berth.run("version", registry.host())).out().lines().toList();
    assertThat(distribution).contains("Server: " + registry.host(), " Registry:",
        "  Version:          unknown (not a Berth registry)", "  API version:      registry/2.0");

    Path users = Htpasswd.create(home.resolve("users"), "dave", "d4ve-pw");
    try (RegistryServer server = RegistryServer.start(new ServerConfig("127.0.0.1", 0, home.resolve("storage"), users, true),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      String host = "127.0.0.1:" + server.port();
      assertThat(ok(berth.run("version", host)).out()).contains("Server: " + host + "\n Berth:\n  Version:          "
          + BerthVersion.VERSION + "\n  API version:      registry/2.0\n");
      assertThat(ok(berth.run("version", "--format", "{{.Server.Version}}", host)).out()).isEqualTo(BerthVersion.VERSION + "\n");
      @SuppressWarnings("unchecked")
      Map<String, Object> json = (Map<String, Object>) JsonReader.parse(ok(berth.run("version", "-f", "json", host)).out());
      assertThat(json.keySet()).containsExactly("Client", "Server");
    }
    CliRun.Result down = berth.run("version", "127.0.0.1:1");
    assertThat(down.exitCode()).isEqualTo(1);
    assertThat(down.out()).startsWith("Client:\n");
    assertThat(down.err()).isEqualTo("Error: cannot connect to registry 127.0.0.1:1: connection refused\n");
  }
}
