package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.credentials.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credential helpers are programs Berth does not control. One that hangs, crashes, prints garbage
 * or floods stdout costs a bounded wait and a warning naming it, and the lookup goes on to the
 * plaintext entry.
 */
class HostileHelperTest {
  @TempDir Path dir;

  Optional lookup(String script) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path helper = bin.resolve("docker-credential-hostile");
    Files.writeString(helper, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("config.json"),
        "{\"auths\": {\"h:1\": {\"auth\": \"ZmlsZTpwdw==\"}}, \"credHelpers\": {\"h:1\": \"hostile\"}}");
    List<String> warnings = new ArrayList<>();
    Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin");
    DockerCredentials credentials = new DockerCredentials(DockerConfigFile.inDirectory(dir),
        HelperLauncher.processes(env, Duration.ofSeconds(2)), warnings::add, env, Vault.at(dir.resolve("vault"), Vault.NO_KEY));
    long start = System.nanoTime();
    java.util.Optional<Credentials> found = credentials.lookup("h:1");
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Optional(found, warnings, millis);
  }

  record Optional(java.util.Optional<Credentials> found, List<String> warnings, long millis) {}

  @Test
  void aHelperThatHangsIsCutOff() throws Exception {
    Optional r = lookup("sleep 60");
    assertThat(r.found()).contains(new Credentials("file", "pw"));
    assertThat(r.warnings()).containsExactly(
        "credential helper for h:1 failed, trying the next source: docker-credential-hostile get did not answer within 2 seconds");
    assertThat(r.millis()).isLessThan(10_000);
  }

  @Test
  void aHelperThatClosesStdoutAndLingersIsCutOff() throws Exception {
    Optional r = lookup("exec >&-; sleep 60");
    assertThat(r.found()).contains(new Credentials("file", "pw"));
    assertThat(r.warnings()).containsExactly(
        "credential helper for h:1 failed, trying the next source: docker-credential-hostile get did not exit within 2 seconds");
  }

  @Test
  void aHelperThatCrashesIsNamedWithItsExitCode() throws Exception {
    Optional r = lookup("echo 'panic: runtime error'; kill -SEGV $$");
    assertThat(r.found()).contains(new Credentials("file", "pw"));
    assertThat(r.warnings()).containsExactly(
        "credential helper for h:1 failed, trying the next source: docker-credential-hostile get failed (exit 139): panic: runtime error");
  }

  @Test
  void garbageIsNotTakenForCredentials() throws Exception {
    Optional r = lookup("printf '<html>s3cret</html>'");
    assertThat(r.found()).contains(new Credentials("file", "pw"));
    assertThat(r.warnings()).containsExactly(
        "credential helper for h:1 failed, trying the next source: docker-credential-hostile get returned something that is not JSON");
  }

  @Test
  void aFloodIsBounded() throws Exception {
    Optional r = lookup("exec yes 'flood flood flood flood'");
    assertThat(r.found()).contains(new Credentials("file", "pw"));
    assertThat(r.warnings()).containsExactly(
        "credential helper for h:1 failed, trying the next source: docker-credential-hostile get printed more than 1048576 bytes");
  }
}
