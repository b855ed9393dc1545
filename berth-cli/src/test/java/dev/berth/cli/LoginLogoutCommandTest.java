package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginLogoutCommandTest {
  static final String EXISTING = """
      {
      \t"auths": {
      \t\t"other.example:5000": {"auth": "b3RoZXI6c2VjcmV0"}
      \t},
      \t"credHelpers": {"gcr.io": "gcloud"},
      \t"proxies": {"default": {"httpProxy": "http://proxy:3128"}},
      \t"psFormat": "table {{.ID}}"
      }
      """;

  @TempDir Path home;
  Path dockerConfig;
  Path configFile;
  Map<String, String> env;
  BasicAuthRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    dockerConfig = home.resolve("docker-config");
    configFile = dockerConfig.resolve("config.json");
    env = Map.of("HOME", home.toString(), "DOCKER_CONFIG", dockerConfig.toString(), "PATH", "/usr/bin:/bin");
    registry = new BasicAuthRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    registry.close();
  }

  LoginRun login(String stdin, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "login";
    System.arraycopy(args, 0, all, 1, args.length);
    return LoginRun.run(env, stdin, all);
  }

  static String auth(String user, String password) {
    return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> auths() throws Exception {
    return (Map<String, Object>) JSON.std.mapFrom(Files.readString(configFile)).get("auths");
  }

  @Test
  void passwordStdinLoginStoresDockersEntryAndKeepsEverythingElse() throws Exception {
    Files.createDirectories(dockerConfig);
    Files.writeString(configFile, EXISTING);

    LoginRun r = login(BasicAuthRegistry.PASSWORD + "\n", registry.host(), "-u", "alice", "--password-stdin");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Login Succeeded\n");
    // docker 28's words; without docker-credential-berth on PATH (and no ~/.local/bin to put it in) the
    // login stays in plain text, as docker's does without a helper
    assertThat(r.err()).isEqualTo("""

        WARNING! Your credentials are stored unencrypted in '%s'.
        Configure a credential helper to remove this warning. See
        https://docs.docker.com/go/credential-store/

        """.formatted(configFile));
    assertThat(auths()).containsEntry(registry.host(), Map.of("auth", auth("alice", BasicAuthRegistry.PASSWORD)))
        .containsEntry("other.example:5000", Map.of("auth", "b3RoZXI6c2VjcmV0"));
    Map<String, Object> root = JSON.std.mapFrom(Files.readString(configFile));
    assertThat(root.keySet()).containsExactly("auths", "credHelpers", "proxies", "psFormat");
    assertThat(root.get("proxies")).isEqualTo(Map.of("default", Map.of("httpProxy", "http://proxy:3128")));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configFile))).isEqualTo("rw-------");
  }

  @Test
  void wrongPasswordIsRefusedNamingTheRegistryAndChangesNoFile() throws Exception {
    Files.createDirectories(dockerConfig);
    Files.writeString(configFile, EXISTING);

    LoginRun r = login("wrong\n", registry.host(), "-u", "alice", "--password-stdin");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("Error: cannot log in to " + registry.host()
        + ": unauthorized: authentication required (GET http://" + registry.host() + "/v2/ answered 401)\n");
    assertThat(Files.readString(configFile)).isEqualTo(EXISTING);
  }

  @Test
  void wrongPasswordCreatesNoConfig() {
    LoginRun r = login("wrong", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(configFile).doesNotExist();
  }

  @Test
  void passwordOptionWarnsAsDockerDoes() throws Exception {
    LoginRun r = login("", "http://" + registry.host() + "/v2/", "-u", "alice", "-p", BasicAuthRegistry.PASSWORD);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).startsWith("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    assertThat(r.err()).doesNotContain(BasicAuthRegistry.PASSWORD);
    assertThat(auths()).containsOnlyKeys(registry.host());
  }

  @Test
  void optionMistakesAreOneLineErrors() {
    LoginRun both = login("x\n", registry.host(), "-u", "alice", "-p", "x", "--password-stdin");
    assertThat(both.exitCode()).isEqualTo(1);
    assertThat(both.err()).endsWith("Error: --password and --password-stdin are mutually exclusive\n");

    LoginRun noUser = login("x\n", registry.host(), "--password-stdin");
    assertThat(noUser.err()).isEqualTo("Error: Must provide --username with --password-stdin\n");

    LoginRun noTerminal = login("", registry.host());
    assertThat(noTerminal.exitCode()).isEqualTo(1);
    assertThat(noTerminal.err())
        .isEqualTo("Error: cannot prompt for a username and password without a terminal; use -u USER --password-stdin\n");

    LoginRun emptyStdin = login("", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(emptyStdin.err()).isEqualTo("Error: password is required: --password-stdin read nothing\n");
    assertThat(registry.requests).hasValue(0);
    assertThat(configFile).doesNotExist();
  }

  @Test
  void storedCredentialsAreTriedFirstWithoutOptions() throws Exception {
    Files.createDirectories(dockerConfig);
    Files.writeString(configFile, "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \""
        + auth("alice", BasicAuthRegistry.PASSWORD) + "\"}}}");
    LoginRun ok = login("", registry.host());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).isEqualTo("Authenticating with existing credentials... [Username: alice]\nLogin Succeeded\n");

    String stale = "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \"" + auth("alice", "old") + "\"}}}";
    Files.writeString(configFile, stale);
    LoginRun expired = login("", registry.host());
    assertThat(expired.exitCode()).isEqualTo(1);
    assertThat(expired.err()).isEqualTo("Stored credentials invalid or expired\n"
        + "Error: cannot prompt for a username and password without a terminal; use -u USER --password-stdin\n");
    assertThat(Files.readString(configFile)).isEqualTo(stale);
  }

  @Test
  void corruptConfigIsReportedAndLeftAlone() throws Exception {
    Files.createDirectories(dockerConfig);
    String corrupt = "{\n  \"auths\": {\n    \"a\": }\n}\n";
    Files.writeString(configFile, corrupt);

    LoginRun r = login(BasicAuthRegistry.PASSWORD, registry.host(), "-u", "alice", "--password-stdin");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error: cannot read " + configFile + ": invalid JSON at line 3, column 10\n");
    assertThat(Files.readString(configFile)).isEqualTo(corrupt);

    LoginRun out = LoginRun.run(env, "", "logout", registry.host());
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(out.err()).startsWith("Error: cannot read " + configFile + ": invalid JSON");
    assertThat(Files.readString(configFile)).isEqualTo(corrupt);
  }

  @Test
  void logoutWithNothingStoredTouchesNothing() {
    LoginRun r = LoginRun.run(env, "", "logout", "localhost:5000");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo("Not logged in to localhost:5000\n");
    assertThat(dockerConfig).doesNotExist();
  }

  @Test
  void helpIsOffered() {
    LoginRun r = LoginRun.run(env, "", "login", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage:  berth login").contains("--password-stdin").contains("Defaults to Docker Hub");
  }

  @Test
  void malformedServerIsNamed() {
    LoginRun r = login("pw", "https://bad host:5000/", "-u", "alice", "--password-stdin");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error: invalid registry address: https://bad host:5000/ (expected HOST[:PORT], e.g. localhost:5000)\n");
  }

  @Test
  void unknownHostIsNamed() {
    LoginRun r = login("pw", "nosuch.invalid", "-u", "alice", "--password-stdin");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error: cannot log in to nosuch.invalid: unknown host nosuch.invalid\n");
  }

  @Test
  void logoutRemovesOnlyThatRegistryAndSaysSoWhenThereIsNothing() throws Exception {
    Files.createDirectories(dockerConfig);
    Files.writeString(configFile, EXISTING);
    assertThat(login(BasicAuthRegistry.PASSWORD, registry.host(), "-u", "alice", "--password-stdin").exitCode()).isZero();

    LoginRun out = LoginRun.run(env, "", "logout", "http://" + registry.host() + "/");
    assertThat(out.exitCode()).isZero();
    assertThat(out.out()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
    assertThat(auths()).containsOnlyKeys("other.example:5000");
    assertThat(JSON.std.mapFrom(Files.readString(configFile))).containsKeys("credHelpers", "proxies", "psFormat");

    LoginRun again = LoginRun.run(env, "", "logout", registry.host());
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).isEqualTo("Not logged in to " + registry.host() + "\n");
  }

  @Test
  void logoutFindsLegacyUrlFormsAndDefaultsToDockerHub() throws Exception {
    Files.createDirectories(dockerConfig);
    Files.writeString(configFile, "{\"auths\": {\"https://" + registry.host() + "/v1/\": {\"auth\": \"YTpi\"},"
        + " \"https://index.docker.io/v1/\": {\"auth\": \"aHViOnB3\"}}}");

    assertThat(LoginRun.run(env, "", "logout", registry.host()).out())
        .isEqualTo("Removing login credentials for " + registry.host() + "\n");
    assertThat(auths()).containsOnlyKeys("https://index.docker.io/v1/");
    assertThat(LoginRun.run(env, "", "logout").out()).isEqualTo("Removing login credentials for https://index.docker.io/v1/\n");
    assertThat(auths()).isEmpty();
    assertThat(LoginRun.run(env, "", "logout", "docker.io").out()).isEqualTo("Not logged in to https://index.docker.io/v1/\n");
  }
}
