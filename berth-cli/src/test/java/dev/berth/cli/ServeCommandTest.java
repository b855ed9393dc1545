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
    return new Berth(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
        Map.of("HOME", home.toString(), "XDG_DATA_HOME", home.resolve("data").toString()), null));
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
        .isEqualTo("Error: invalid auth mode 'kerberos' (expected token, basic or none)\n");
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
        + "Error: Invalid value for option '--max-uploads-per-user': 'many' is not an int\n"
        + "See 'berth serve --help'.\n");
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
