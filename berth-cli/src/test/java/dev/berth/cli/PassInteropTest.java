package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.testkit.Exec;
import dev.berth.testkit.PassStore;
import dev.berth.testkit.ToolPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth as a client of a real credential helper: {@code docker-credential-pass} over a throw-away
 * gpg key and pass store, chosen by an explicit {@code credsStore: pass} (pass and gpg must be on
 * PATH for it, so PATH is the test's docker plus the system's directories).
 */
class PassInteropTest {
  @TempDir Path home;
  Path dockerConfig;
  Map<String, String> env;
  BasicAuthRegistry registry;
  PassStore pass;

  @BeforeEach
  void setUp() throws Exception {
    pass = PassStore.create(home.resolve("pass"));
    dockerConfig = Files.createDirectories(home.resolve(".docker"));
    Files.writeString(dockerConfig.resolve("config.json"), "{\"credsStore\": \"pass\"}");
    Path bin = ToolPath.create(home.resolve("bin"), Map.of("docker", "docker-ce-cli")).directory();
    env = new HashMap<>(pass.env());
    env.put("HOME", home.toString());
    env.put("DOCKER_CONFIG", dockerConfig.toString());
    env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
    env.put("PATH", bin + ":/usr/bin:/bin");
    env.put("BERTH_AGENT", "off");
    registry = new BasicAuthRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    registry.close();
    pass.close();
  }

  Exec.Result docker(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/docker").toString()));
    command.addAll(List.of(args));
    Exec exec = Exec.command(command).stdin(stdin).env(env).env("DOCKER_HOST", "unix://" + home.resolve("no-daemon.sock"));
    for (String name : System.getenv().keySet()) {
      if (!env.containsKey(name)) {
        exec.env(name, null);
      }
    }
    return exec.run();
  }

  @Test
  void berthStoresInPassAndDockerReadsIt() throws Exception {
    LoginRun login = LoginRun.run(env, BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.out()).isEqualTo("Login Succeeded\n");
    assertThat(login.err()).isEmpty();
    assertThat(JSON.std.mapFrom(Files.readString(dockerConfig.resolve("config.json")))).isEqualTo(Map.of(
        "credsStore", "pass", "auths", Map.of(registry.host(), Map.of()), "credHelpers", Map.of(registry.host(), "pass")));
    assertThat(Files.readString(dockerConfig.resolve("config.json"))).doesNotContain(BasicAuthRegistry.PASSWORD);
    Exec.Result get = Exec.command("docker-credential-pass", "get").env(env).stdin(registry.host()).run();
    assertThat(get.stdout()).as(get.stderr()).contains("\"Username\":\"alice\"");

    Exec.Result inspect = docker("", "manifest", "inspect", "--insecure", registry.host() + "/interop/hello:v1");
    assertThat(inspect.exitCode()).as(inspect.stdout() + inspect.stderr()).isZero();

    LoginRun whoami = LoginRun.run(env, "", "whoami");
    assertThat(whoami.out()).containsPattern(java.util.regex.Pattern.quote(registry.host()) + " +alice +docker-credential-pass +valid");

    // issue 11: no warning about http:// and https:// forms that were never stored
    LoginRun logout = LoginRun.run(env, "", "logout", registry.host());
    assertThat(logout.exitCode()).isZero();
    assertThat(logout.out()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
    assertThat(logout.err()).isEmpty();
    assertThat(Exec.command("docker-credential-pass", "list").env(env).run().stdout()).isEqualTo("{}\n");
    assertThat(JSON.std.mapFrom(Files.readString(dockerConfig.resolve("config.json"))))
        .isEqualTo(Map.of("credsStore", "pass", "auths", Map.of()));
    LoginRun again = LoginRun.run(env, "", "logout", registry.host());
    assertThat(again.out()).isEqualTo("Not logged in to " + registry.host() + "\n");
    assertThat(again.err()).isEmpty();
  }

  @Test
  void dockersPassLoginIsFoundByBerth() {
    Exec.Result login = docker(BasicAuthRegistry.PASSWORD + "\n", "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.stdout() + login.stderr()).isZero();
    LoginRun whoami = LoginRun.run(env, "", "whoami", registry.host());
    assertThat(whoami.exitCode()).as(whoami.err()).isZero();
    assertThat(whoami.out()).isEqualTo("alice\n");
  }
}
