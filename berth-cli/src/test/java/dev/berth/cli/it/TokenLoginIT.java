package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.AccessRulesFile;
import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.Exec;
import dev.berth.testkit.JibBuild;
import dev.berth.testkit.SyntheticImage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Revocable logins end to end, with the real programs: {@code berth serve} in its default token
 * mode; the docker CLI keeps the identity token it is given; skopeo and podman push and pull with
 * a password, a personal access token and docker's identity token; Debian's distribution trusts
 * Berth's tokens; logout, password changes and removals end the access of copied tokens.
 */
class TokenLoginIT extends WithBerthServe {
  private static final Pattern IDENTITY = Pattern.compile("\"identitytoken\":\\s*\"([^\"]+)\"");
  private final HttpClient http = HttpClient.newHttpClient();

  TokenLoginIT() {
    super("alice", "alice's password");
  }

  /** Everyone pulls and pushes team/** and elsewhere/**; closed/** is nobody's. */
  @Override
  protected String[] serveOptions(Path dir) {
    Path rules = AccessRulesFile.write(dir.resolve("rules.yml"), """
        rules:
          - repositories: ["team/**", "elsewhere/**"]
            users: ["*"]
            actions: [pull, push]
        """);
    return new String[] {"--rules", rules.toString()};
  }

  private BerthCli.Result docker(Path config, String stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    BerthCli other = new BerthCli(config);
    return other.exec(cmd, stdin);
  }

  private static BerthCli.Result ok(BerthCli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  /** The refresh token in a docker config.json, for {@code host}. */
  private static String identityToken(Path configJson) throws Exception {
    Matcher m = IDENTITY.matcher(Files.readString(configJson));
    assertThat(m.find()).as(Files.readString(configJson)).isTrue();
    return m.group(1);
  }

  /** What a copied token is worth: the status of a refresh-token grant with it. */
  private int refreshWith(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + server.host() + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&service=berth&client_id=test&refresh_token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private int pingWithPassword(String user, String secret) throws Exception {
    String basic = Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return http.send(HttpRequest.newBuilder(URI.create("http://" + server.host() + "/token?service=berth"))
        .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void dockerKeepsTheIdentityTokenNotThePasswordAndCanLogInAgain() throws Exception {
    Path home = dir.resolve("docker-home");
    Path config = home.resolve(".docker/config.json");
    BerthCli.Result login = ok(docker(home, password + "\n", "login", server.host(), "-u", user, "--password-stdin"));
    assertThat(login.all()).contains("Login Succeeded");
    String json = Files.readString(config);
    assertThat(json).contains("\"identitytoken\": \"berth_rt_").doesNotContain(password)
        .doesNotContain(Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    String token = identityToken(config);
    assertThat(refreshWith(token)).isEqualTo(200);

    ok(docker(home, "", "logout", server.host()));
    assertThat(Files.readString(config)).doesNotContain(server.host());
    ok(docker(home, password + "\n", "login", server.host(), "-u", user, "--password-stdin"));
    assertThat(identityToken(config)).isNotEqualTo(token);
  }

  @Test
  void jibPushesWithTheLoginTokenBerthKeptInConfigJson() throws Exception {
    // berth login to the plain file: Jib reads only "auth" (it ignores docker's identitytoken), so
    // Berth writes the token there too, under the user name <token> that Jib knows
    BerthCli client = new BerthCli(dir.resolve("berth-for-jib"));
    ok(client.runWithInput(password + "\n", "login", server.host(), "-u", user, "--password-stdin", "--store", "file"));
    Path config = client.dockerConfigDir().resolve("config.json");
    assertThat(Files.readString(config)).contains("identitytoken").doesNotContain(password);
    // nothing but config.json: no credential helper on PATH
    Exec.Result jib = JibBuild.in(dir.resolve("jib")).push(server.host() + "/team/jib:1",
        Map.of("HOME", client.home().toString(), "DOCKER_CONFIG", client.dockerConfigDir().toString(), "PATH", "/usr/bin:/bin"));
    assertThat(jib.exitCode()).as(jib.stdout() + jib.stderr()).isZero();
    assertThat(jib.stdout()).contains("Built and pushed image as " + server.host() + "/team/jib:1");
  }

  @Test
  void berthLogoutRevokesItsTokenSoACopyStopsWorking() throws Exception {
    BerthCli client = new BerthCli(dir.resolve("berth-home"));
    BerthCli.Result login = ok(client.runWithInput(password + "\n", "login", server.host(), "-u", user, "--password-stdin"));
    assertThat(login.out()).contains("Login Succeeded");
    Path config = client.dockerConfigDir().resolve("config.json");
    assertThat(Files.readString(config)).doesNotContain(password);
    String copied = identityToken(config);
    assertThat(refreshWith(copied)).isEqualTo(200);

    // the stored login works for a push, through the refresh-token grant
    Path archive = TestPeers.dockerArchive(dir.resolve("logout.tar"), server.host() + "/team/logout:1");
    ok(client.run("load", "-i", archive.toString()));
    ok(client.run("push", server.host() + "/team/logout:1"));

    BerthCli.Result logout = ok(client.run("logout", server.host()));
    assertThat(logout.out()).contains("Revoked the login token at " + server.host())
        .contains("Removing login credentials for " + server.host());
    assertThat(refreshWith(copied)).isEqualTo(401);
  }

  @Test
  void skopeoAndPodmanWorkWithAPasswordATokenAndDockersIdentityToken() throws Exception {
    String host = server.host();
    // a personal access token, made on the registry's machine
    BerthCli.Result created = ok(cli.run("token", "create", "--storage", dir.resolve("storage").toString(),
        "--htpasswd", dir.resolve("users").toString(), "-u", user, "--scope", "repository:team/**:pull,push",
        "--expires", "1d", "--name", "ci"));
    String pat = created.out().strip();
    assertThat(pat).startsWith("berth_pat_");
    assertThat(created.err()).contains("shown only this once");
    // the registry keeps only its hash: no file of its state holds the token itself
    try (var files = Files.walk(dir.resolve("storage/auth"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(pat).doesNotContain(pat.substring("berth_pat_".length()));
      }
    }

    SyntheticImage image = SyntheticImage.builder().seed(701).layerSizes(9_000, 2_000).gzipLayers(true).build();
    Path archive = image.writeOciArchive(dir.resolve("skopeo-in.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));

    // skopeo with the password, then with the token as the password
    ok(cli.exec(List.of("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", user + ":" + password,
        "oci-archive:" + archive + ":v1", "docker://" + host + "/team/skopeo:password"), ""));
    ok(cli.exec(List.of("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", user + ":" + pat,
        "oci-archive:" + archive + ":v1", "docker://" + host + "/team/skopeo:pat"), ""));
    for (String secret : List.of(password, pat)) { // and pulls with either
      ok(cli.exec(List.of("skopeo", "copy", "--src-tls-verify=false", "--src-creds", user + ":" + secret,
          "docker://" + host + "/team/skopeo:password", "oci:" + dir.resolve("skopeo-pull-" + secret.length()) + ":v1"), ""));
    }
    BerthCli.Result outside = cli.exec(List.of("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", user + ":" + pat,
        "oci-archive:" + archive + ":v1", "docker://" + host + "/elsewhere/skopeo:pat"), "");
    assertThat(outside.exitCode()).as("the token is limited to team/**: " + outside).isNotZero();

    // skopeo with what docker stored: an identity token, exchanged by the refresh-token grant
    Path dockerHome = dir.resolve("docker-for-skopeo");
    ok(docker(dockerHome, password + "\n", "login", host, "-u", user, "--password-stdin"));
    Path authfile = dockerHome.resolve(".docker/config.json");
    assertThat(Files.readString(authfile)).contains("identitytoken");
    ok(cli.exec(List.of("skopeo", "copy", "--src-tls-verify=false", "--src-authfile", authfile.toString(),
        "docker://" + host + "/team/skopeo:pat", "oci:" + dir.resolve("skopeo-out") + ":v1"), ""));
    ok(cli.exec(List.of("skopeo", "copy", "--dest-tls-verify=false", "--dest-authfile", authfile.toString(),
        "oci-archive:" + archive + ":v1", "docker://" + host + "/team/skopeo:identity"), ""));

    try (Podman podman = new Podman(dir.resolve("podman"))) {
      for (String secret : List.of(password, pat)) {
        Path auth = dir.resolve("podman-auth-" + secret.length() + ".json");
        ok(podman.runWithInput(secret + "\n", "login", "--tls-verify=false", "--authfile", auth.toString(),
            "-u", user, "--password-stdin", host));
        ok(podman.run("pull", "--tls-verify=false", "--authfile", auth.toString(), host + "/team/skopeo:password"));
        ok(podman.run("push", "--tls-verify=false", "--authfile", auth.toString(), host + "/team/skopeo:password",
            "docker://" + host + "/team/podman:" + secret.length()));
      }
      // and with what docker stored: the identity token
      ok(podman.run("pull", "--tls-verify=false", "--authfile", authfile.toString(), host + "/team/skopeo:identity"));
      ok(podman.run("push", "--tls-verify=false", "--authfile", authfile.toString(), host + "/team/skopeo:identity",
          "docker://" + host + "/team/podman:identity"));
    }

    // docker login takes the token as the password, and keeps a login token (limited alike) instead
    Path patHome = dir.resolve("docker-pat");
    ok(docker(patHome, pat + "\n", "login", host, "-u", user, "--password-stdin"));
    String patLogin = identityToken(patHome.resolve(".docker/config.json"));
    assertThat(Files.readString(patHome.resolve(".docker/config.json"))).doesNotContain(pat);
    assertThat(refreshWith(patLogin)).isEqualTo(200);

    // revoked, the token stops working (a running server notices within a second), and so does
    // the login made with it
    String id = ok(cli.run("token", "list", "--storage", dir.resolve("storage").toString())).out().lines()
        .filter(l -> l.contains(" ci ")).findFirst().orElseThrow().split("\\s+")[0];
    ok(cli.run("token", "revoke", "--storage", dir.resolve("storage").toString(), id));
    Thread.sleep(1500);
    assertThat(pingWithPassword(user, pat)).isEqualTo(401);
    assertThat(refreshWith(patLogin)).isEqualTo(401);
    assertThat(pingWithPassword(user, password)).isEqualTo(200);
  }

  @Test
  void usersAreManagedWithBerthAndChangesEndTheirTokens() throws Exception {
    String storage = dir.resolve("storage").toString();
    String users = dir.resolve("users").toString();
    ok(cli.runWithInput("bob's first\n", "user", "add", "bob", "--password-stdin", "--storage", storage, "--htpasswd", users));
    BerthCli.Result twice = cli.runWithInput("again\n", "user", "add", "bob", "--password-stdin", "--storage", storage,
        "--htpasswd", users);
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.err()).contains("user 'bob' already exists");
    assertThat(ok(cli.run("user", "list", "--htpasswd", users)).out()).isEqualTo("alice\nbob\n");
    // the file stays what htpasswd writes: htpasswd -v accepts bob's entry
    assertThat(cli.exec(List.of("htpasswd", "-v", "-i", users, "bob"), "bob's first").exitCode()).isZero();
    Thread.sleep(1100); // the server re-reads the users file at most once a second

    BerthCli bob = new BerthCli(dir.resolve("bob-home"));
    ok(bob.runWithInput("bob's first\n", "login", server.host(), "-u", "bob", "--password-stdin"));
    String bobsToken = identityToken(bob.dockerConfigDir().resolve("config.json"));
    assertThat(refreshWith(bobsToken)).isEqualTo(200);

    BerthCli.Result passwd = ok(cli.runWithInput("bob's second\n", "user", "passwd", "bob", "--password-stdin",
        "--storage", storage, "--htpasswd", users));
    assertThat(passwd.out()).contains("Revoked 1 token(s) of bob");
    Thread.sleep(1500);
    assertThat(refreshWith(bobsToken)).isEqualTo(401);
    assertThat(pingWithPassword("bob", "bob's first")).as(Files.readString(dir.resolve("storage.log"))).isEqualTo(401);
    assertThat(pingWithPassword("bob", "bob's second")).isEqualTo(200);

    ok(bob.runWithInput("bob's second\n", "login", server.host(), "-u", "bob", "--password-stdin"));
    String second = identityToken(bob.dockerConfigDir().resolve("config.json"));
    ok(cli.run("user", "rm", "bob", "--storage", storage, "--htpasswd", users));
    Thread.sleep(1500);
    assertThat(refreshWith(second)).isEqualTo(401);
    assertThat(pingWithPassword("bob", "bob's second")).isEqualTo(401);
  }

  @Test
  void distributionTrustsBerthsTokensAndBerthPushesThroughIt() throws Exception {
    Path bundle = dir.resolve("storage/auth/token-signing.pem");
    try (DistributionRegistry distribution = DistributionRegistry.builder().workDir(dir.resolve("distribution"))
        .tokenAuth("http://" + server.host() + "/token", "berth", "berth", bundle).start()) {
      BerthCli client = new BerthCli(dir.resolve("distribution-client"));
      ok(client.runWithInput(password + "\n", "login", distribution.host(), "-u", user, "--password-stdin"));
      Path archive = TestPeers.dockerArchive(dir.resolve("dist.tar"), distribution.host() + "/team/dist:1");
      ok(client.run("load", "-i", archive.toString()));
      BerthCli.Result push = ok(client.run("push", distribution.host() + "/team/dist:1"));
      assertThat(push.out()).containsPattern("1: digest: sha256:[0-9a-f]{64}");
      ok(client.run("rmi", distribution.host() + "/team/dist:1"));
      ok(client.run("pull", distribution.host() + "/team/dist:1"));
      // a repository the rules keep from alice stays closed on distribution too
      ok(client.run("tag", distribution.host() + "/team/dist:1", distribution.host() + "/closed/dist:1"));
      BerthCli.Result refused = client.run("push", distribution.host() + "/closed/dist:1");
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    }
  }
}
