package dev.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtpasswdTest {

  @Test
  void writesBcryptEntriesThatHtpasswdItselfVerifies(@TempDir Path dir) throws Exception {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("alice", "correct horse");
    users.put("bob", "battery staple");
    Path file = Htpasswd.write(dir.resolve("users"), users);

    assertThat(Files.readAllLines(file)).hasSize(2)
        .anySatisfy(line -> assertThat(line).startsWith("alice:$2y$"))
        .anySatisfy(line -> assertThat(line).startsWith("bob:$2y$"));
    // htpasswd -v checks a password against the file: right one passes, wrong one fails.
    assertThat(verify(file, "alice", "correct horse")).isZero();
    assertThat(verify(file, "alice", "wrong")).isNotZero();
  }

  @Test
  void addReplacesAnExistingPassword(@TempDir Path dir) {
    Path file = Htpasswd.create(dir.resolve("users"), "alice", "first");
    Htpasswd.add(file, "alice", "second");
    assertThat(verify(file, "alice", "second")).isZero();
    assertThat(verify(file, "alice", "first")).isNotZero();
  }

  private static int verify(Path file, String user, String password) {
    return Exec.command("htpasswd", "-v", "-i", file.toString(), user).stdin(password)
        .timeout(Duration.ofSeconds(10)).run().exitCode();
  }
}
