package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
  @TempDir Path home;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  Berth berth() {
    return berth(Map.of());
  }

  Berth berth(Map<String, String> moreEnv) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("HOME", home.toString(), "XDG_DATA_HOME",
        home.resolve("data").toString()));
    env.putAll(moreEnv);
    return new Berth(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), env, null));
  }

  @Test
  void aBadValueInTheConfigFileIsOneLineNamingTheFileTheKeyAndTheLine() throws Exception {
    Path config = home.resolve("berth.yml");
    Files.writeString(config, "http:\n  addr: 127.0.0.1:5000\n  shutdowntimeout: forever\n");
    assertThat(berth().run("serve", "--config", config.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: invalid value for http.shutdowntimeout in "
        + config + " (line 3): 'forever' (expected e.g. 30m, 24h, 7d)\n");
    err.reset();
    // the flag wins over the file (and is what the error names), BERTH_CONFIG names the file
    assertThat(berth(Map.of("BERTH_CONFIG", config.toString())).run("serve", "--shutdown-timeout", "never")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("Error: invalid value for --shutdown-timeout: 'never' (expected e.g. 30m, 24h, 7d)\n");
    err.reset();
    assertThat(berth().run("serve", "--tls", "maybe")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: invalid value for --tls: 'maybe' (expected auto or off)\n");
  }

  @Test
  void printConfigShowsTheEffectiveValuesWithTheirOriginsAndMasksSecrets() throws Exception {
    Path config = home.resolve("berth.yml");
    Files.writeString(config, "http:\n  addr: 0.0.0.0:5000\n  tls:\n    auto: true\n");
    int code = berth(Map.of("BERTH_METRICS_TOKEN", "metrics-secret-0123456789", "BERTH_STORAGE_UPLOADS_MAX", "77"))
        .run("serve", "--config", config.toString(), "--print-config", "--listen", "0.0.0.0:5001");
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("addr: 0.0.0.0:5001").contains("# from --listen")
        .contains("auto: true").contains("# from berth.yml line 4")
        .contains("max: 77").contains("# from $BERTH_STORAGE_UPLOADS_MAX")
        .contains("token: '********'").doesNotContain("metrics-secret");
    assertThat(home.resolve("data/berth/registry")).doesNotExist(); // printing starts nothing
  }

  @Test
  void badListenValueIsOneLineNamingIt() {
    int code = berth().run("serve", "--listen", "localhost");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("Error: invalid value for --listen: 'localhost' (expected HOST:PORT, e.g. 127.0.0.1:5000)\n");
  }

  @Test
  void badPurgeAgeIsOneLineNamingIt() {
    int code = berth().run("serve", "--purge-uploads-after", "soon");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("Error: invalid value for --purge-uploads-after: 'soon' (expected e.g. 30m, 24h, 7d)\n");
  }

  @Test
  void aNamedUsersFileThatDoesNotExistIsAnErrorNotANewAdmin() {
    Path typo = home.resolve("etc/htpaswd");
    int code = berth().run("serve", "--listen", "127.0.0.1:0", "--htpasswd", typo.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Error: users file " + typo + " does not exist")
        .doesNotContain("\n\t").endsWith(")\n");
    assertThat(typo).doesNotExist();
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("admin");
  }

  @Test
  void badAuthModeAndMissingRulesFileAreOneLineErrors() {
    assertThat(berth().run("serve", "--auth", "kerberos")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("Error: invalid value for --auth: 'kerberos' (expected token, basic or none)\n");
    err.reset();
    Path rules = home.resolve("no-rules.yml");
    assertThat(berth().run("serve", "--listen", "127.0.0.1:0", "--rules", rules.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: rules file " + rules + " does not exist\n");
  }

  @Test
  void badLimitsAreOneLineNamingThem() {
    assertThat(berth().run("serve", "--max-connections", "0")).isEqualTo(2);
    assertThat(berth().run("serve", "--header-timeout", "0s")).isEqualTo(2);
    assertThat(berth().run("serve", "--min-body-rate", "-1")).isEqualTo(2);
    assertThat(berth().run("serve", "--max-uploads-per-user", "many")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
        "Error: invalid value for --max-connections: '0' (expected a number of at least 1)\n"
        + "Error: invalid value for --header-timeout: '0s' (expected e.g. 30m, 24h, 7d)\n"
        + "Error: invalid value for --min-body-rate: '-1' (expected 0 or more)\n"
        + "Error: invalid value for --max-uploads-per-user: 'many' (expected a number of at least 1)\n");
  }

  @Test
  void portInUseIsOneLineError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code = berth().run("serve", "--listen", "127.0.0.1:" + taken.getLocalPort());
      assertThat(code).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
          "Error: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use\n");
      // the admin password was never shown, so the users file it would have needed is not kept
      assertThat(home.resolve("data/berth/registry/htpasswd")).doesNotExist();
    }
  }

  @Test
  void firstStartCreatesAdminPrintsLoginAndServesUntilStopped() throws Exception {
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serving = new Thread(() -> exit.set(berth().run("serve", "--listen", "127.0.0.1:0")));
    serving.start();
    try {
      String text = awaitOutput("listening on http://127.0.0.1:");
      Path users = home.resolve("data/berth/registry/htpasswd");
      assertThat(users).exists();
      Matcher login = Pattern.compile("echo '([^']+)' \\| berth login 127\\.0\\.0\\.1:(\\d+) -u admin --password-stdin")
          .matcher(text);
      assertThat(login.find()).as(text).isTrue();
      assertThat(Files.readString(users)).doesNotContain(login.group(1));

      String basic = java.util.Base64.getEncoder()
          .encodeToString(("admin:" + login.group(1)).getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> ping = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + login.group(2) + "/v2/"))
              .header("Authorization", "Basic " + basic).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ping.statusCode()).isEqualTo(200);
    } finally {
      serving.interrupt();
      serving.join(10_000);
    }
    assertThat(exit.get()).isEqualTo(130);
  }

  @Test
  void plainHttpOnANonLoopbackAddressWarnsAndSuggestsTlsAuto() throws Exception {
    Thread serving = new Thread(() -> berth().run("serve", "--listen", "0.0.0.0:0", "--access-log", "off"));
    serving.start();
    try {
      String text = awaitOutput("listening on http://0.0.0.0:");
      assertThat(text).containsPattern("warning: serving plain HTTP on 0\\.0\\.0\\.0:\\d+ without TLS: .*run with --tls auto");
    } finally {
      serving.interrupt();
      serving.join(10_000);
    }
  }

  private String awaitOutput(String needle) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      String text = out.toString(StandardCharsets.UTF_8);
      if (text.contains(needle)) {
        return text;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + needle + "' in output: " + out + err);
  }
}
