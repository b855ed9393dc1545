package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.trust.TrustTargets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As root, the admin commands refuse to change a registry whose files belong to another user (the
 * packaged service's): what root wrote there would lock that registry out of its own files.
 */
class AdminCommandsOwnerTest {
  @TempDir Path dir;

  @Test
  void rootIsToldToRunAsTheRegistrysUser() throws Exception {
    Assumptions.assumeTrue(TrustTargets.runningAsRoot(), "only root can be refused this; skipped");
    Path storage = Files.createDirectories(dir.resolve("storage"));
    UserPrincipal nobody = storage.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(storage, nobody);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Berth berth = new Berth(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream("pw-for-carl\n".getBytes(StandardCharsets.UTF_8)),
        Map.of("HOME", dir.toString()), null));
    int code = berth.run("user", "add", "carl", "--password-stdin", "--storage", storage.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: " + storage + " belongs to user nobody: run this as"
        + " that user (sudo -u nobody berth ...), or the registry could no longer read the files root would write\n");
    assertThat(storage.resolve("htpasswd")).doesNotExist();
  }
}
