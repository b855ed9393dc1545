package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerCredentialsTest {
  @TempDir Path dir;
  final List<String> warnings = new ArrayList<>();
  final List<String> calls = new ArrayList<>();

  /** An in-process stand-in for docker-credential-* programs: a map per helper. */
  final Map<String, Map<String, String[]>> keychains = new HashMap<>();

  final HelperLauncher launcher = (program, action, stdin) -> {
    String input = new String(stdin, StandardCharsets.UTF_8);
    calls.add(program + " " + action);
    if (program.equals("docker-credential-broken")) {
      return new HelperLauncher.Result(1, "keychain is locked".getBytes(StandardCharsets.UTF_8));
    }
    if (program.equals("docker-credential-missing")) {
      throw new IOException(program + " is not installed or not executable");
    }
    Map<String, String[]> chain = keychains.computeIfAbsent(program, p -> new HashMap<>());
    switch (action) {
      case "get" -> {
        String[] c = chain.get(input);
        if (c == null) {
          return new HelperLauncher.Result(1, "credentials not found in native keychain\n".getBytes(StandardCharsets.UTF_8));
        }
        return new HelperLauncher.Result(0, JSON.std.asBytes(Map.of("ServerURL", input, "Username", c[0], "Secret", c[1])));
      }
      case "store" -> {
        Map<String, Object> req = JSON.std.mapFrom(input);
        chain.put((String) req.get("ServerURL"), new String[] {(String) req.get("Username"), (String) req.get("Secret")});
        return new HelperLauncher.Result(0, new byte[0]);
      }
      case "erase" -> {
        // as docker-credential-pass 0.6.4: a missing entry is an error that does not say "not found"
        return chain.remove(input) == null
            ? new HelperLauncher.Result(1, ("exit status 1: Error: " + input + " is not in the password store.").getBytes(StandardCharsets.UTF_8))
            : new HelperLauncher.Result(0, new byte[0]);
      }
      case "list" -> {
        Map<String, String> all = new java.util.TreeMap<>();
        chain.forEach((k, v) -> all.put(k, v[0]));
        return new HelperLauncher.Result(0, JSON.std.asBytes(all));
      }
      default -> throw new IllegalStateException(action);
    }
  };

  final Map<String, String> env = new HashMap<>();
  final java.util.Set<String> installed = new java.util.HashSet<>(java.util.Set.of("docker-credential-berth"));

  DockerCredentials credentials() {
    HelperLauncher withPath = new HelperLauncher() {
      @Override
      public Result run(String program, String action, byte[] stdin) throws IOException {
        return launcher.run(program, action, stdin);
      }

      @Override
      public boolean installed(String program) {
        return installed.contains(program);
      }
    };
    return new DockerCredentials(DockerConfigFile.inDirectory(dir), withPath, warnings::add, env,
        dev.berth.credentials.vault.Vault.at(dir.resolve("vault"), dev.berth.credentials.vault.Vault.NO_KEY));
  }

  void config(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
  }

  @Test
  void registryHelperThenDefaultStoreThenAuths() throws IOException {
    config("""
        {"auths": {"a:1": {"auth": "ZmlsZTpwdw=="}, "b:1": {"auth": "ZmlsZTpwdw=="}, "c:1": {"auth": "ZmlsZTpwdw=="}},
         "credHelpers": {"a:1": "special"}, "credsStore": "desktop"}
        """);
    keychains.computeIfAbsent("docker-credential-special", k -> new HashMap<>()).put("a:1", new String[] {"sp", "1"});
    keychains.computeIfAbsent("docker-credential-desktop", k -> new HashMap<>()).put("a:1", new String[] {"de", "2"});
    keychains.get("docker-credential-desktop").put("b:1", new String[] {"de", "3"});

    assertThat(credentials().lookup("a:1")).contains(new Credentials("sp", "1"));
    assertThat(credentials().lookup("b:1")).contains(new Credentials("de", "3"));
    assertThat(credentials().lookup("c:1")).contains(new Credentials("file", "pw"));
    assertThat(credentials().lookup("https://c:1/v1/")).contains(new Credentials("file", "pw"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void failingHelperWarnsAndLookupGoesOn() throws IOException {
    config("{\"auths\": {\"a:1\": {\"auth\": \"ZmlsZTpwdw==\"}}, \"credHelpers\": {\"a:1\": \"broken\"}, \"credsStore\": \"missing\"}");
    assertThat(credentials().lookup("a:1")).contains(new Credentials("file", "pw"));
    assertThat(warnings).containsExactly(
        "credential helper for a:1 failed, trying the next source: docker-credential-broken get failed (exit 1): keychain is locked",
        "credential helper for a:1 failed, trying the next source: docker-credential-missing is not installed or not executable");
  }

  @Test
  void hubIsLookedUpUnderItsKey() throws IOException {
    config("{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"aHViOnB3\"}}}");
    assertThat(credentials().lookup("docker.io")).contains(new Credentials("hub", "pw"));
    assertThat(credentials().lookup("index.docker.io")).contains(new Credentials("hub", "pw"));
  }

  @Test
  void storingGoesToTheConfiguredHelperNotThePlainFile() throws IOException {
    config("{\"credsStore\": \"desktop\", \"psFormat\": \"x\"}");
    assertThat(credentials().plan("h:1", null)).isEqualTo(DockerCredentials.Target.helper("desktop"));
    credentials().store("h:1", new Credentials("u", "secret"), null);
    assertThat(Files.readString(dir.resolve("config.json"))).doesNotContain("secret");
    assertThat(credentials().lookup("h:1")).contains(new Credentials("u", "secret"));
    // containers-image ignores credsStore: the registry gets a credHelpers entry too
    assertThat(JSON.std.mapFrom(Files.readString(dir.resolve("config.json")))).isEqualTo(Map.of(
        "credsStore", "desktop", "psFormat", "x", "auths", Map.of("h:1", Map.of()), "credHelpers", Map.of("h:1", "desktop")));

    calls.clear();
    assertThat(credentials().erase("h:1")).isTrue();
    // the helper was asked what it holds, so http:// and https:// forms it never had drew no error
    assertThat(calls).containsExactly("docker-credential-desktop list", "docker-credential-desktop erase");
    assertThat(warnings).isEmpty();
    assertThat(credentials().lookup("h:1")).isEmpty();
    assertThat(credentials().erase("h:1")).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void theDefaultStoreIsBerthsWhenItsHelperIsOnPathElsePlainText() throws IOException {
    config("{\"auths\": {\"old:1\": {\"auth\": \"dTpw\", \"email\": \"me@example.com\"}}, \"psFormat\": \"x\"}");
    assertThat(credentials().plan("h:1", null)).isEqualTo(DockerCredentials.Target.BERTH);
    assertThat(credentials().store("h:1", new Credentials("alice", "s3cret"), null)).isEqualTo(DockerCredentials.Target.BERTH);
    Map<String, Object> root = JSON.std.mapFrom(Files.readString(dir.resolve("config.json")));
    // a plaintext login remains, which docker would stop reading under a credsStore: none is set
    assertThat(root).isEqualTo(Map.of("auths", Map.of("old:1", Map.of("auth", "dTpw", "email", "me@example.com"), "h:1", Map.of()),
        "psFormat", "x", "credHelpers", Map.of("h:1", "berth")));
    assertThat(credentials().lookup("h:1")).contains(new Credentials("alice", "s3cret"));
    assertThat(credentials().plaintextLogins()).containsExactly("old:1");
    assertThat(Files.readString(dir.resolve("config.json"))).doesNotContain("s3cret");

    assertThat(credentials().migrate()).containsExactly("old:1");
    root = JSON.std.mapFrom(Files.readString(dir.resolve("config.json")));
    assertThat(root).isEqualTo(Map.of("auths", Map.of("old:1", Map.of("email", "me@example.com"), "h:1", Map.of()),
        "psFormat", "x", "credHelpers", Map.of("h:1", "berth", "old:1", "berth"), "credsStore", "berth"));
    assertThat(credentials().lookup("old:1")).contains(new Credentials("u", "p"));
    assertThat(credentials().migrate()).isEmpty();

    installed.clear();
    Files.delete(dir.resolve("config.json"));
    assertThat(credentials().plan("h:2", null)).isEqualTo(DockerCredentials.Target.FILE);
    assertThatThrownBy(() -> credentials().store("h:2", new Credentials("u", "p"), "berth"))
        .hasMessage("docker-credential-berth is not on PATH, so docker could not read a login stored there;"
            + " run 'berth helper install' first");
    assertThat(dir.resolve("config.json")).doesNotExist();
  }

  @Test
  void dockerHubIsAlsoNamedAsContainersImageNamesIt() throws IOException {
    credentials().store(RegistryHosts.HUB_KEY, new Credentials("hub", "pw"), null);
    assertThat(JSON.std.mapFrom(Files.readString(dir.resolve("config.json"))).get("credHelpers"))
        .isEqualTo(Map.of("https://index.docker.io/v1/", "berth", "docker.io", "berth"));
    assertThat(credentials().lookup("docker.io")).contains(new Credentials("hub", "pw"));
    assertThat(credentials().erase(RegistryHosts.HUB_KEY)).isTrue();
    assertThat(JSON.std.mapFrom(Files.readString(dir.resolve("config.json")))).doesNotContainKey("credHelpers");
  }

  @Test
  void plainTextOnRequestUnlessAHelperWouldHideIt() throws IOException {
    assertThat(credentials().store("h:1", new Credentials("u", "p"), "file")).isEqualTo(DockerCredentials.Target.FILE);
    assertThat(Files.readString(dir.resolve("config.json"))).contains("\"auth\": \"dTpw\"");
    config("{\"credsStore\": \"desktop\"}");
    assertThatThrownBy(() -> credentials().store("h:1", new Credentials("u", "p"), "file"))
        .hasMessage(dir.resolve("config.json") + " sends h:1 to docker-credential-desktop (credsStore); docker would not"
            + " read a plaintext entry. Remove that setting first, or choose --store desktop");
  }

  @Test
  void logoutEverywhereAndEveryLoginListed() throws IOException {
    config("""
        {"auths": {"plain:1": {"auth": "dTpw"}, "h:1": {}},
         "credHelpers": {"special:1": "special"}, "credsStore": "desktop"}
        """);
    keychains.computeIfAbsent("docker-credential-special", k -> new HashMap<>()).put("special:1", new String[] {"sp", "1"});
    keychains.computeIfAbsent("docker-credential-desktop", k -> new HashMap<>()).put("h:1", new String[] {"de", "2"});
    keychains.get("docker-credential-desktop").put("elsewhere:1", new String[] {"de", "3"});
    credentials().store("vaulted:1", new Credentials("va", "4"), "berth");
    env.put("DOCKER_AUTH_CONFIG", "{\"auths\": {\"env:1\": {\"auth\": \"ZW52OjU=\"}}}");

    assertThat(credentials().logins()).extracting(l -> l.registry() + " " + l.username() + " " + l.source()).containsExactly(
        "env:1 env DOCKER_AUTH_CONFIG",
        "plain:1 u config.json (plaintext)",
        "h:1 de docker-credential-desktop",
        "vaulted:1 va berth (encrypted)",
        "special:1 sp docker-credential-special",
        "elsewhere:1 de docker-credential-desktop");

    env.clear();
    assertThat(credentials().eraseAll()).containsExactlyInAnyOrder("plain:1", "h:1", "special:1", "vaulted:1", "elsewhere:1");
    assertThat(credentials().logins()).isEmpty();
    assertThat(JSON.std.mapFrom(Files.readString(dir.resolve("config.json"))))
        .isEqualTo(Map.of("auths", Map.of(), "credHelpers", Map.of("special:1", "special"), "credsStore", "desktop"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void environmentAndContainersAuthFilesAndRepositoryScopedKeys() throws IOException {
    Path xdg = Files.createDirectories(dir.resolve("run/containers"));
    Files.writeString(xdg.resolve("auth.json"), """
        {"auths": {"quay.example/team/app": {"auth": "dGVhbTphcHA="}, "quay.example": {"auth": "cXVheTpob3N0"}}}
        """);
    env.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
    config("{\"auths\": {\"quay.example/team\": {\"auth\": \"ZG9ja2VyOnRlYW0=\"}}}");

    // config.json's scoped key first, then podman's file (scoped, then the registry)
    assertThat(credentials().lookup("quay.example", "team/app")).contains(new Credentials("docker", "team"));
    assertThat(credentials().lookup("quay.example", "other/app")).contains(new Credentials("quay", "host"));
    Files.writeString(dir.resolve("config.json"), "{}");
    assertThat(credentials().lookup("quay.example", "team/app/x")).contains(new Credentials("team", "app"));

    env.put("REGISTRY_AUTH_FILE", dir.resolve("absent.json").toString());
    assertThat(credentials().lookup("quay.example", "team/app")).isEmpty(); // REGISTRY_AUTH_FILE replaces the runtime file

    env.put("DOCKER_AUTH_CONFIG", "{\"auths\": {\"https://quay.example\": {\"auth\": \"ZW52OnB3\"}}}");
    assertThat(credentials().lookup("quay.example", "team/app")).contains(new Credentials("env", "pw"));
    env.put("DOCKER_AUTH_CONFIG", "{\"auths\": {\"quay.example\": {}}}");
    assertThat(credentials().lookup("quay.example")).isEmpty();
    assertThat(warnings).containsExactly("ignoring DOCKER_AUTH_CONFIG: DOCKER_AUTH_CONFIG is missing key `auth` for quay.example");
  }

  @Test
  void withoutHelpersNothingIsAsked() throws IOException {
    installed.clear();
    assertThat(credentials().plan("h:1", null)).isEqualTo(DockerCredentials.Target.FILE);
    assertThat(credentials().lookup("h:1")).isEmpty();
    assertThat(calls).isEmpty();
  }
}
