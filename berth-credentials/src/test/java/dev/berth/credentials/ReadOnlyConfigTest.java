package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.io.PathLock;
import dev.berth.testkit.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config.json its owner made read-only (0400) is still updated, by rename, as docker does: for
 * anyone but root, the file cannot be opened for writing, so its lock lives in a sibling file. The
 * login runs in a child process as an ordinary user ({@code nobody} when the tests run as root):
 * root may open any file, and would never take that path.
 */
class ReadOnlyConfigTest {
  @TempDir Path dir;

  @Test
  void aReadOnlyConfigIsUpdatedWithEveryEntryKeptAndItsModeKept() throws Exception {
    List<String> command = new ArrayList<>();
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    if (root) {
      Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) drops root");
      command.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }
    String classPath = classPath(ReadOnlyConfigChild.class, FileCredentialStore.class, PathLock.class);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
        ReadOnlyConfigChild.class.getName(), home.toString(), "second.example"));

    Path config = home.resolve("config.json");
    Files.writeString(config, "{\"auths\":{\"first.example\":{\"auth\":\"dTpw\"}},\"psFormat\":\"x\"}");
    if (root) {
      UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(home, nobody);
      Files.setOwner(config, nobody);
    }
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("r--------"));

    Exec.Result r = Exec.command(command).timeout(Duration.ofSeconds(60)).run();
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(Files.readString(config)).contains("first.example", "second.example", "psFormat");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("r--------");
  }

  /** Where the classes come from, each checked to be readable by the child's user. */
  private static String classPath(Class<?>... classes) throws Exception {
    List<String> entries = new ArrayList<>();
    for (Class<?> c : classes) {
      Path location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = location; p != null; p = p.getParent()) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
        Assumptions.assumeTrue(mode.contains(Files.isDirectory(p) ? PosixFilePermission.OTHERS_EXECUTE
            : PosixFilePermission.OTHERS_READ), p + " is not readable by other users");
      }
      entries.add(location.toString());
    }
    return String.join(java.io.File.pathSeparator, entries);
  }
}
