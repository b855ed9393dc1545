package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.AccessRulesFile;
import dev.berth.testkit.FaultyProxy;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.SyntheticImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth copy} against a real {@code berth serve} (in-process, with access rules): the error
 * says which side failed, pulling from the source or pushing to the target, also when both sides
 * are the same repository, and a source that breaks off while its blob streams into the target is
 * the source's failure.
 */
@Timeout(120)
class CopyCommandTest {
  private static final int LAYER = 1024 * 1024;

  @TempDir static Path serverDir;
  @TempDir static Path seedHome;
  @TempDir Path home;
  static Thread serving;
  static String host;
  static SyntheticImage image;
  static String digest;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("bob", "bob-pa55");
    users.put("reader", "reader-pa55");
    Path htpasswd = Htpasswd.write(serverDir.resolve("htpasswd"), users);
    Path rules = AccessRulesFile.write(serverDir.resolve("access.yml"), """
        rules:
          - repositories: ["**"]
            users: [bob]
            actions: [pull, push]
          - repositories: ["**"]
            users: [reader]
            actions: [pull]
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CliContext context = new CliContext(print, print, new ByteArrayInputStream(new byte[0]),
        Map.of("HOME", serverDir.toString()), null);
    serving = new Thread(() -> new Berth(context).run("serve", "--listen", "127.0.0.1:0", "--storage",
        serverDir.resolve("storage").toString(), "--htpasswd", htpasswd.toString(), "--rules", rules.toString(),
        "--access-log", "off"));
    serving.start();
    host = awaitListening(out);

    // copy/app:1, pushed by bob: one layer big enough to be cut in the middle
    image = SyntheticImage.builder().seed(47).layerSizes(LAYER).repoTag(host + "/copy/app:1").build();
    CliRun seeder = new CliRun(seedHome);
    login(seedHome, "bob", "bob-pa55", host);
    seeder.run("load", "-i", image.writeDockerArchive(seedHome.resolve("in.tar")).toString());
    CliRun.Result push = seeder.run("push", host + "/copy/app:1");
    assertThat(push.exitCode()).as(push.err()).isZero();
    digest = push.out().lines().filter(l -> l.contains(": digest: ")).findFirst().orElseThrow().split(" ")[2];
  }

  @AfterAll
  static void stop() throws Exception {
    if (serving != null) {
      serving.interrupt();
      serving.join(10_000);
    }
  }

  private static String awaitListening(ByteArrayOutputStream out) throws InterruptedException {
    Pattern listening = Pattern.compile("listening on http://(\\S+)");
    for (int i = 0; i < 600; i++) {
      Matcher m = listening.matcher(out.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("berth serve did not start: " + out);
  }

  /** A config.json with {@code user}'s Basic credentials for each of {@code hosts}. */
  private static void login(Path home, String user, String password, String... hosts) throws Exception {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    StringBuilder auths = new StringBuilder();
    for (String h : hosts) {
      auths.append(auths.isEmpty() ? "" : ",").append("\"").append(h).append("\":{\"auth\":\"").append(auth).append("\"}");
    }
    Files.createDirectories(home.resolve("docker"));
    Files.writeString(home.resolve("docker/config.json"), "{\"auths\":{" + auths + "},\"credsStore\":\"\"}");
  }

  private static void assertOneLine(CliRun.Result r, String error) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(error + "\n");
  }

  @Test
  void aMissingSourceTagInTheSameRepositoryIsManifestNotFound() throws Exception {
    login(home, "bob", "bob-pa55", host);
    CliRun.Result copy = new CliRun(home).run("copy", host + "/copy/app:missing", host + "/copy/app:2");
    assertOneLine(copy, "Error: manifest for " + host + "/copy/app:missing not found: manifest unknown: manifest unknown: copy/app:missing");
  }

  @Test
  void aSourceBlobThatIsGoneIsNotAManifestNotFound() throws Exception {
    // copy/blobless:1 names a layer its repository no longer links: the manifest is there, the blob is not
    login(home, "bob", "bob-pa55", host);
    CliRun berth = new CliRun(home);
    CliRun.Result seed = berth.run("copy", host + "/copy/app:1", host + "/copy/blobless:1");
    assertThat(seed.exitCode()).as(seed.err()).isZero();
    String layer = image.layers().getFirst().digest();
    Files.delete(serverDir.resolve("storage/repositories/copy/blobless/_layers/sha256/" + layer.substring(7) + "/link"));

    CliRun.Result copy = berth.run("copy", host + "/copy/blobless:1", host + "/copy/elsewhere:1");
    assertThat(copy.exitCode()).as(copy.err()).isEqualTo(1);
    assertThat(copy.err()).startsWith("Error: Tried to pull blob " + layer + " from " + host + "/copy/blobless")
        .contains("blob unknown").doesNotContain("manifest for").hasLineCount(1);
  }

  @Test
  void aTargetThatRefusesThePushInTheSameRepositoryIsPushingTo() throws Exception {
    // reader may pull copy/app but not push to it: the blobs are all there, the manifest PUT is refused
    login(home, "reader", "reader-pa55", host);
    CliRun.Result copy = new CliRun(home).run("copy", host + "/copy/app:1", host + "/copy/app:2");
    assertOneLine(copy, "Error: denied: requested access to the resource is denied (pushing to " + host
        + "/copy/app); run 'berth login " + host + "'");
  }

  @Test
  void aSourceThatBreaksOffMidBlobIsTheSourcesFailureAndIsResumed() throws Exception {
    String layer = image.layers().getFirst().digest();
    // through a proxy the same registry is another host: the layer streams from one into the other
    try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", Integer.parseInt(host.substring(host.indexOf(':') + 1)))) {
      login(home, "bob", "bob-pa55", host, proxy.host());
      CliRun berth = new CliRun(home);
      berth.env.put("BERTH_RETRIES", "0");
      proxy.cutDownloadAfter(LAYER / 2);
      CliRun.Result broken = berth.run("copy", proxy.host() + "/copy/app:1", host + "/copy/streamed:1");
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThat(broken.exitCode()).as(broken.err()).isEqualTo(1);
      assertThat(broken.err()).startsWith("Error: Tried to pull blob " + layer + " from " + proxy.host()
          + "/copy/app but failed because: ").hasLineCount(1);

      // with retries, the copy goes on from where the target stands and the digest is the source's
      berth.env.remove("BERTH_RETRIES");
      proxy.cutDownloadAfter(LAYER / 2);
      CliRun.Result resumed = berth.run("copy", proxy.host() + "/copy/app:1", host + "/copy/streamed:2");
      assertThat(resumed.exitCode()).as(resumed.err()).isZero();
      assertThat(proxy.cuts()).isEqualTo(2);
      assertThat(resumed.out()).contains(layer.substring(7, 19) + ": Retrying in 1 second\n")
          .containsPattern("\n2: digest: " + digest + " size: \\d+\n$");
    }
  }
}
