package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.credentials.install.HelperInstaller;
import dev.berth.testkit.Exec;
import dev.berth.testkit.ToolPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth's encrypted store as docker sees it: {@code berth login} wires config.json to
 * {@code docker-credential-berth} (installed on the test's PATH), the real docker CLI reads and
 * erases through it, docker logs in through it with {@code credsStore} and with {@code credHelpers},
 * and afterwards no file under the home holds the password or its base64.
 */
class BerthStoreInteropTest {
  @TempDir static Path installed;
  static Path bin;

  @TempDir Path home;
  Path dockerConfig;
  Map<String, String> env;
  BasicAuthRegistry registry;

  @BeforeAll
  static void installHelper() throws Exception {
    // docker and the helper alone on PATH: docker cannot pick pass or secretservice by itself
    bin = ToolPath.create(installed.resolve("bin"), Map.of("docker", "docker-ce-cli")).directory();
    new HelperInstaller(bin, installed.resolve("helper"), Path.of(System.getProperty("java.home"))).install(false);
  }

  @BeforeEach
  void setUp() throws Exception {
    dockerConfig = home.resolve(".docker");
    env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("DOCKER_CONFIG", dockerConfig.toString());
    env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
    env.put("PATH", bin.toString());
    env.put("BERTH_AGENT", "off"); // agents are AgentTest's business; no process outlives a test
    registry = new BasicAuthRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    registry.close();
  }

  LoginRun berth(String stdin, String... args) {
    return LoginRun.run(env, stdin, args);
  }

  Exec.Result docker(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(bin.resolve("docker").toString()));
    command.addAll(List.of(args));
    Exec exec = Exec.command(command).stdin(stdin).env(env).env("DOCKER_HOST", "unix://" + home.resolve("no-daemon.sock"));
    for (String name : System.getenv().keySet()) {
      if (!env.containsKey(name)) {
        exec.env(name, null);
      }
    }
    return exec.run();
  }

  Map<String, Object> config() throws Exception {
    return JSON.std.mapFrom(Files.readString(dockerConfig.resolve("config.json")));
  }

  void config(String json) throws Exception {
    Files.createDirectories(dockerConfig);
    Files.writeString(dockerConfig.resolve("config.json"), json);
  }

  void dockerReadsTheManifest() {
    int before = registry.authorized.get();
    Exec.Result inspect = docker("", "manifest", "inspect", "--insecure", registry.host() + "/interop/hello:v1");
    assertThat(inspect.exitCode()).as(inspect.stdout() + inspect.stderr()).isZero();
    assertThat(registry.authorized.get()).isGreaterThan(before);
  }

  void noFileUnderHomeHoldsThePassword() throws Exception {
    byte[] password = BasicAuthRegistry.PASSWORD.getBytes(StandardCharsets.UTF_8);
    List<byte[]> forms = List.of(password,
        Base64.getEncoder().encode((BasicAuthRegistry.USER + ":" + BasicAuthRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8)),
        Base64.getEncoder().encode(password));
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(f);
        for (byte[] form : forms) {
          assertThat(indexOf(content, form)).as("%s holds the password", f).isLessThan(0);
        }
      }
    }
  }

  @Test
  void berthLoginGoesToTheEncryptedStoreAndDockerUsesAndErasesIt() throws Exception {
    config("{\"psFormat\": \"table {{.ID}}\"}");
    LoginRun login = berth(BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.out()).isEqualTo("Login Succeeded\n");
    assertThat(login.err()).isEmpty();
    assertThat(config()).isEqualTo(Map.of("psFormat", "table {{.ID}}", "auths", Map.of(registry.host(), Map.of()),
        "credHelpers", Map.of(registry.host(), "berth"), "credsStore", "berth"));
    noFileUnderHomeHoldsThePassword();

    dockerReadsTheManifest();

    Exec.Result logout = docker("", "logout", registry.host());
    assertThat(logout.exitCode()).as(logout.stdout() + logout.stderr()).isZero();
    assertThat(logout.stdout()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
    assertThat(logout.stderr()).isEmpty();
    assertThat(berth("", "whoami", registry.host()).exitCode()).isEqualTo(1);
    assertThat(Exec.command(bin.resolve("docker-credential-berth").toString(), "list").env(env).run().stdout())
        .isEqualTo("{}\n");
  }

  @Test
  void theFirstLoginInstallsTheHelperIntoLocalBinWhenThatIsOnPath() throws Exception {
    Path localBin = home.resolve(".local/bin");
    Path dockerOnly = ToolPath.create(home.resolve("docker-bin"), Map.of("docker", "docker-ce-cli")).directory();
    env.put("PATH", localBin + ":" + dockerOnly);
    LoginRun login = berth(BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.err()).isEqualTo("Installing docker-credential-berth in " + localBin
        + " so that docker, skopeo and podman find logins in Berth's encrypted store...\n");
    assertThat(localBin.resolve("docker-credential-berth")).isExecutable();
    assertThat(config()).containsEntry("credsStore", "berth");
    noFileUnderHomeHoldsThePassword();
    dockerReadsTheManifest();
    // once is enough
    assertThat(berth(BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin").err()).isEmpty();
  }

  @Test
  void dockerLogsInThroughTheHelperWithCredsStoreAndWithCredHelpers() throws Exception {
    for (String wiring : List.of("{\"credsStore\": \"berth\"}", "{\"credHelpers\": {\"%s\": \"berth\"}}")) {
      config(wiring.formatted(registry.host()));
      Exec.Result login = docker(BasicAuthRegistry.PASSWORD + "\n", "login", registry.host(), "-u", "alice", "--password-stdin");
      assertThat(login.exitCode()).as(wiring + "\n" + login.stdout() + login.stderr()).isZero();
      assertThat(login.stderr()).as(wiring).doesNotContain("unencrypted");
      noFileUnderHomeHoldsThePassword();

      LoginRun whoami = berth("", "whoami", registry.host());
      assertThat(whoami.exitCode()).as(wiring + whoami.err()).isZero();
      assertThat(whoami.out()).isEqualTo("alice\n");

      LoginRun logout = berth("", "logout", registry.host());
      assertThat(logout.out()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
      assertThat(logout.err()).isEmpty();
      Exec.Result get = Exec.command(bin.resolve("docker-credential-berth").toString(), "get").env(env).stdin(registry.host()).run();
      assertThat(get.stdout()).isEqualTo("credentials not found in native keychain\n");
    }
  }

  @Test
  void whoamiListsEveryLoginAndChecksIt() throws Exception {
    config("{\"auths\": {\"127.0.0.1:1\": {\"auth\": \"" + Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8))
        + "\"}}}");
    LoginRun login = berth(BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).isZero();
    // a plaintext login remains: credsStore is not set (docker would stop reading it), and the user hears of it
    assertThat(login.err()).isEqualTo("1 other login is still stored unencrypted in " + dockerConfig.resolve("config.json")
        + " (127.0.0.1:1); 'berth credentials migrate' moves them into the encrypted store.\n");
    LoginRun all = berth("", "whoami", "--timeout", "5s");
    assertThat(all.exitCode()).as(all.err()).isZero();
    List<String> lines = all.out().lines().toList();
    assertThat(lines.getFirst()).matches("REGISTRY +USER +STORE +STATUS");
    assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1:1 +bob +config\\.json \\(plaintext\\) +unreachable: .*"));
    assertThat(lines).anyMatch(l -> l.matches(java.util.regex.Pattern.quote(registry.host()) + " +alice +berth \\(encrypted\\) +valid"));

    assertThat(berth("", "whoami", "127.0.0.1:1").exitCode()).isEqualTo(1);
    assertThat(berth("", "whoami", "127.0.0.1:1").err()).startsWith("Logged in to 127.0.0.1:1 as bob, but unreachable: ");
    LoginRun none = berth("", "whoami", "-q", "nowhere.invalid:5000");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.out() + none.err()).isEmpty();

    LoginRun out = berth("", "logout", "--all");
    assertThat(out.out()).isEqualTo("Removing login credentials for 127.0.0.1:1\nRemoving login credentials for " + registry.host() + "\n");
    assertThat(berth("", "whoami").out()).isEqualTo("Not logged in to any registry\n");
    assertThat(config()).isEqualTo(Map.of("auths", Map.of()));
  }

  @Test
  void whoamiWaitsForSilentRegistriesAtOnceAndAtMostItsTimeout() throws Exception {
    // two registries that accept the connection and never answer: each check ends at the timeout,
    // and both run at the same time, so the whole costs one timeout, not two
    try (java.net.ServerSocket first = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        java.net.ServerSocket second = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      String basic = Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8));
      config("{\"auths\": {\"127.0.0.1:" + first.getLocalPort() + "\": {\"auth\": \"" + basic + "\"}, \"127.0.0.1:"
          + second.getLocalPort() + "\": {\"auth\": \"" + basic + "\"}}}");
      long start = System.nanoTime();
      LoginRun all = berth("", "whoami", "--timeout", "3s");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(all.exitCode()).as(all.err()).isZero();
      assertThat(all.out().lines().filter(l -> l.endsWith("no answer within 3s"))).as(all.out()).hasSize(2);
      assertThat(millis).as("both checked at once (one after the other takes 6 s)").isLessThan(5_500);
    }
  }

  @Test
  void migrateMovesPlainTextLoginsAndKeepsEveryOtherKey() throws Exception {
    String auth = Base64.getEncoder().encodeToString(("alice:" + BasicAuthRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
    config("""
        {"auths": {"%s": {"auth": "%s", "email": "alice@example.com"}},
         "proxies": {"default": {"httpProxy": "http://proxy:3128"}}, "psFormat": "x", "zzz-future": [1, {"b": 2}]}
        """.formatted(registry.host(), auth));
    LoginRun migrate = berth("", "credentials", "migrate");
    assertThat(migrate.exitCode()).as(migrate.err()).isZero();
    assertThat(migrate.out()).startsWith("Moved 1 login into ").endsWith(": " + registry.host() + "\n");
    assertThat(config()).isEqualTo(Map.of(
        "auths", Map.of(registry.host(), Map.of("email", "alice@example.com")),
        "proxies", Map.of("default", Map.of("httpProxy", "http://proxy:3128")), "psFormat", "x",
        "zzz-future", List.of(1, Map.of("b", 2)), "credHelpers", Map.of(registry.host(), "berth"), "credsStore", "berth"));
    noFileUnderHomeHoldsThePassword();
    dockerReadsTheManifest();
    assertThat(berth("", "credentials", "migrate").out()).isEqualTo("No plaintext logins in " + dockerConfig.resolve("config.json") + "\n");
  }

  @Test
  void aPassphraseLocksTheStoreForDockerUntilUnlocked() throws Exception {
    env.remove("BERTH_AGENT"); // the passphrase's key lives in an agent
    try {
      assertThat(berth(BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin").exitCode()).isZero();
      LoginRun set = berth("correct horse\n", "credentials", "passphrase", "--passphrase-stdin");
      assertThat(set.exitCode()).as(set.err()).isZero();
      assertThat(home.resolve(".local/share/berth/credentials/key")).doesNotExist();
      dockerReadsTheManifest(); // unlocked right after setting it

      assertThat(berth("", "credentials", "lock").out()).startsWith("Locked ");
      Exec.Result locked = docker("", "manifest", "inspect", "--insecure", registry.host() + "/interop/hello:v1");
      assertThat(locked.exitCode()).as(locked.stdout() + locked.stderr()).isNotZero();
      Exec.Result get = Exec.command(bin.resolve("docker-credential-berth").toString(), "get").env(env).stdin(registry.host()).run();
      assertThat(get.exitCode()).isEqualTo(1);
      assertThat(get.stdout()).endsWith("is locked; run 'berth credentials unlock'\n");
      LoginRun wrong = berth("wrong\n", "credentials", "unlock", "--passphrase-stdin");
      assertThat(wrong.exitCode()).isEqualTo(1);
      assertThat(wrong.err()).startsWith("Error: wrong passphrase for ");

      LoginRun unlock = berth("correct horse\n", "credentials", "unlock", "--passphrase-stdin", "--timeout", "5m");
      assertThat(unlock.exitCode()).as(unlock.err()).isZero();
      dockerReadsTheManifest();
      noFileUnderHomeHoldsThePassword();
    } finally {
      berth("", "credentials", "lock");
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
