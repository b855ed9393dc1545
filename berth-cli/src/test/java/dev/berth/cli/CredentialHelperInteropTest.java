package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code "credsStore"} set, berth keeps the secret in the helper, as docker does: a real
 * {@code docker-credential-*} program (a small shell script keeping one file per server) is run by
 * berth and by the docker CLI alike.
 */
class CredentialHelperInteropTest {
  @TempDir Path home;
  Path dockerConfig;
  Path keychain;
  Map<String, String> env;
  BasicAuthRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    dockerConfig = Files.createDirectories(home.resolve("docker-config"));
    keychain = Files.createDirectories(home.resolve("keychain"));
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path helper = bin.resolve("docker-credential-berthtest");
    // A helper per docker-credential-helpers' protocol: argv[1] is the action, data on stdin/stdout.
    Files.writeString(helper, """
        #!/bin/sh
        dir='%s'
        case "$1" in
          store)
            json=$(cat)
            url=$(printf '%%s' "$json" | sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p')
            printf '%%s' "$json" > "$dir/$(printf '%%s' "$url" | base64 | tr -d '\\n/')" ;;
          get|erase)
            url=$(cat)
            f="$dir/$(printf '%%s' "$url" | base64 | tr -d '\\n/')"
            if [ ! -f "$f" ]; then echo "credentials not found in native keychain"; exit 1; fi
            if [ "$1" = get ]; then cat "$f"; else rm "$f"; fi ;;
          *) echo "unknown action $1"; exit 1 ;;
        esac
        """.formatted(keychain));
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dockerConfig.resolve("config.json"), "{\"credsStore\": \"berthtest\", \"psFormat\": \"x\"}");
    env = Map.of("HOME", home.toString(), "DOCKER_CONFIG", dockerConfig.toString(), "PATH", bin + ":/usr/bin:/bin");
    registry = new BasicAuthRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    registry.close();
  }

  @Test
  void loginStoresInTheHelperAndDockerFindsItThere() throws Exception {
    LoginRun login = LoginRun.run(env, BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.out()).isEqualTo("Login Succeeded\n");
    assertThat(login.err()).doesNotContain("unencrypted");
    assertThat(com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(Files.readString(dockerConfig.resolve("config.json"))))
        .isEqualTo(Map.of("credsStore", "berthtest", "psFormat", "x", "auths", Map.of(registry.host(), Map.of()),
            // for containers-image (skopeo, podman), which reads credHelpers but not credsStore
            "credHelpers", Map.of(registry.host(), "berthtest")));
    try (var secrets = Files.list(keychain)) {
      assertThat(secrets).hasSize(1);
    }

    int before = registry.authorized.get();
    ProcessBuilder pb = new ProcessBuilder(List.of("/usr/local/bin/docker", "manifest", "inspect", "--insecure",
        registry.host() + "/interop/hello:v1")).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("DOCKER_HOST", "unix://" + home.resolve("no-daemon.sock"));
    Process docker = pb.start();
    String output = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(docker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(docker.exitValue()).as(output).isZero();
    assertThat(registry.authorized.get()).isGreaterThan(before);

    LoginRun logout = LoginRun.run(env, "", "logout", registry.host());
    assertThat(logout.out()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
    try (var secrets = Files.list(keychain)) {
      assertThat(secrets).isEmpty();
    }
    assertThat(Files.readString(dockerConfig.resolve("config.json"))).doesNotContain(registry.host());
    assertThat(LoginRun.run(env, "", "logout", registry.host()).out()).isEqualTo("Not logged in to " + registry.host() + "\n");
  }

  @Test
  void aBrokenHelperIsReportedNotBypassed() throws Exception {
    Files.writeString(dockerConfig.resolve("config.json"), "{\"credsStore\": \"absent\"}");
    LoginRun login = LoginRun.run(env, BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).isEqualTo(1);
    // a login given in full reads no stored login (as docker): the helper is first needed to store
    assertThat(login.err()).isEqualTo(
        "Error: error saving credentials: docker-credential-absent is not installed or not executable\n");
    assertThat(Files.readString(dockerConfig.resolve("config.json"))).isEqualTo("{\"credsStore\": \"absent\"}");
  }
}
