package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileEditorTest {
  @TempDir Path dir;

  @Test
  void aSymlinkedUsersFileStaysALinkAndItsTargetIsChanged() throws Exception {
    Path real = Files.createDirectories(dir.resolve("etc")).resolve("htpasswd");
    Files.writeString(real, "# managed elsewhere\n");
    Path link = Files.createSymbolicLink(dir.resolve("htpasswd"), Path.of("etc/htpasswd"));

    UsersFileEditor.put(link, "alice", "alice-pw".toCharArray(), 4, false, false);
    UsersFileEditor.put(link, "bob", "bob-pw".toCharArray(), 4, false, false);
    UsersFileEditor.remove(link, "alice");

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("etc/htpasswd"));
    assertThat(Files.readString(real)).startsWith("# managed elsewhere\nbob:$2").doesNotContain("alice");
    assertThat(UsersFile.read(link).verify("bob", "bob-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
  }

  @Test
  void aLinkToAMissingFileCreatesTheFileItNames() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("htpasswd"), dir.resolve("users/htpasswd"));
    Files.createDirectories(dir.resolve("users"));

    UsersFileEditor.put(link, "carol", "carol-pw".toCharArray(), 4, false, true);

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(dir.resolve("users/htpasswd"))).startsWith("carol:$2");
  }

  @Test
  void theFirstStartFollowsALinkToWhereTheUsersFileIsToBe() throws Exception {
    Files.createDirectories(dir.resolve("etc"));
    Path link = Files.createSymbolicLink(dir.resolve("htpasswd"), Path.of("etc/htpasswd"));

    String password = AdminBootstrap.ensureUsersFile(link);

    assertThat(password).isNotNull();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(dir.resolve("etc/htpasswd"))).startsWith("admin:$2");
    assertThat(AdminBootstrap.ensureUsersFile(link)).isNull(); // there now: left as it is
  }
}
