package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;

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
        return chain.remove(input) == null
            ? new HelperLauncher.Result(1, "credentials not found in native keychain".getBytes(StandardCharsets.UTF_8))
            : new HelperLauncher.Result(0, new byte[0]);
      }
      default -> throw new IllegalStateException(action);
    }
  };

  DockerCredentials credentials() {
    return new DockerCredentials(DockerConfigFile.inDirectory(dir), launcher, warnings::add);
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
    CredentialStore store = credentials().storeFor("h:1");
    assertThat(store).isInstanceOf(CredentialHelperStore.class);
    store.store("h:1", new Credentials("u", "secret"));
    assertThat(Files.readString(dir.resolve("config.json"))).doesNotContain("secret");
    assertThat(credentials().lookup("h:1")).contains(new Credentials("u", "secret"));

    assertThat(credentials().erase("h:1")).isTrue();
    assertThat(credentials().lookup("h:1")).isEmpty();
    assertThat(credentials().erase("h:1")).isFalse();
  }

  @Test
  void withoutHelpersTheFileIsTheStore() throws IOException {
    assertThat(credentials().storeFor("h:1")).isInstanceOf(FileCredentialStore.class);
    assertThat(credentials().lookup("h:1")).isEmpty();
    assertThat(calls).isEmpty();
  }
}
