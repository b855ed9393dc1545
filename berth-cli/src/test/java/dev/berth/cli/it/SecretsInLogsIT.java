package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.testkit.ServerProcess;
import dev.berth.testkit.SyntheticImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every log a registry writes (its output, the access log, the audit log) after logins with
 * passwords, wrong passwords, refresh tokens, personal access tokens and access tokens, password
 * changes and new users made with the admin commands: not one of those secrets appears in any of
 * them, while the events themselves do.
 */
class SecretsInLogsIT {
  private static final Pattern LISTENING = Pattern.compile("listening on http://(\\S+)");

  @Test
  void noPasswordOrTokenReachesAnyLog(@TempDir Path dir) throws Exception {
    String password = "first-password-7Hq";
    String wrong = "wrong-password-Zx9";
    String newPassword = "second-password-Kp2";
    String bobPassword = "bob-password-Lm4";
    BerthCli cli = new BerthCli(dir.resolve("home"));
    Path users = TestPeers.htpasswd(dir.resolve("users"), "alice", password);
    Path storage = dir.resolve("storage");
    Path access = dir.resolve("logs/access.log");
    List<String> cmd = new ArrayList<>(cli.command("serve", "--listen", "127.0.0.1:0", "--storage", storage.toString(),
        "--htpasswd", users.toString(), "--access-log", access.toString()));
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("password", password);
    secrets.put("wrong password", wrong);
    secrets.put("new password", newPassword);
    secrets.put("bob's password", bobPassword);
    secrets.put("Basic credentials", Base64.getEncoder().encodeToString(("alice:" + password).getBytes(StandardCharsets.UTF_8)));
    String serverOutput;
    try (ServerProcess server = ServerProcess.start(cmd, LISTENING, Duration.ofSeconds(60), cli.environment(),
        dir.resolve("serve.log"))) {
      String host = server.readyMatch().group(1);
      String[] files = {"--storage", storage.toString(), "--htpasswd", users.toString()};

      assertThat(cli.runWithInput(wrong + "\n", "login", host, "-u", "alice", "--password-stdin").exitCode()).isNotZero();
      ok(cli.runWithInput(password + "\n", "login", host, "-u", "alice", "--password-stdin"));
      Map<String, Object> config = JSON.std.mapFrom(Files.readString(cli.dockerConfigDir().resolve("config.json")));
      String refresh = (String) ((Map<?, ?>) ((Map<?, ?>) config.get("auths")).get(host)).get("identitytoken");
      assertThat(refresh).startsWith("berth_rt_");
      secrets.put("refresh token", refresh);

      String pat = ok(cli.run(concat(new String[] {"token", "create", "-u", "alice", "--name", "ci"}, files))).out().strip();
      assertThat(pat).startsWith("berth_pat_");
      secrets.put("personal access token", pat);

      // a push with the personal token as the password (skopeo, through the token service)
      Path authfile = dir.resolve("auth.json");
      Files.writeString(authfile, "{\"auths\":{\"" + host + "\":{\"auth\":\""
          + Base64.getEncoder().encodeToString(("alice:" + pat).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
      Path archive = SyntheticImage.builder().seed(501).layerSizes(5_000).gzipLayers(true).build()
          .writeOciArchive(dir.resolve("image.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));
      ok(cli.exec(List.of("skopeo", "copy", "--dest-tls-verify=false", "--authfile", authfile.toString(),
          "oci-archive:" + archive + ":v1", "docker://" + host + "/secrets/app:1"), ""));

      // an access token, used
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create("http://" + host
              + "/token?service=berth&scope=repository:secrets/app:pull"))
          .header("Authorization", "Basic " + secrets.get("Basic credentials")).build(), HttpResponse.BodyHandlers.ofString());
      String accessToken = (String) JSON.std.mapFrom(token.body()).get("token");
      secrets.put("access token", accessToken);
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/secrets/app/tags/list"))
          .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);

      ok(cli.runWithInput(newPassword + "\n", concat(new String[] {"user", "passwd", "alice", "--password-stdin"}, files)));
      ok(cli.runWithInput(bobPassword + "\n", concat(new String[] {"user", "add", "bob", "--password-stdin"}, files)));
      ok(cli.run("logout", host));
      serverOutput = server.output();
    }
    Path audit = storage.resolve("audit.log");
    Map<String, String> logs = Map.of("server output", serverOutput, "access log", Files.readString(access),
        "audit log", Files.readString(audit));
    logs.forEach((name, text) -> secrets.forEach((what, secret) ->
        assertThat(text).as("the %s holds the %s", name, what).doesNotContain(secret)));

    // the logs do hold the events, so this test would see a secret if one were there
    String events = logs.get("audit log");
    assertThat(events).contains("\"event\":\"login\",\"outcome\":\"failure\",\"user\":\"alice\"")
        .contains("\"event\":\"login\",\"outcome\":\"success\",\"user\":\"alice\"")
        .contains("\"method\":\"personal_token\"")
        .contains("\"event\":\"token.issued\",\"outcome\":\"success\"").contains("\"kind\":\"refresh\"")
        .contains("\"kind\":\"personal\"")
        .contains("\"event\":\"tag.pushed\"").contains("\"repository\":\"secrets/app\"")
        .contains("\"event\":\"user.password_changed\"").contains("\"event\":\"user.added\",\"outcome\":\"success\",\"user\":\"bob\"")
        .contains("\"event\":\"token.revoked\"").contains("\"source\":\"cli\"");
    assertThat(logs.get("access log")).contains("\"route\":\"Token\"").contains("\"route\":\"PutManifest\"")
        .contains("\"route\":\"RevokeToken\"");
  }

  private static BerthCli.Result ok(BerthCli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
