package dev.berth.credentials.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testkit.Exec;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.jar.JarInputStream;
import java.util.jar.JarEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed docker-credential-berth, run as docker runs it: a program on PATH. */
class HelperInstallerTest {
  @TempDir Path dir;

  HelperInstaller installer() {
    return new HelperInstaller(dir.resolve("bin"), dir.resolve("data/berth/helper"), Path.of(System.getProperty("java.home")));
  }

  Exec.Result run(Path program, String stdin, String action) {
    return Exec.command(program.toString(), action).stdin(stdin)
        .env(Map.of("BERTH_CREDENTIALS_DIR", dir.resolve("credentials").toString(), "BERTH_AGENT", "off"))
        .run();
  }

  @Test
  void theInstalledHelperRunsOnTheJdkFromItsOwnSmallJar() throws Exception {
    HelperInstaller installer = installer();
    assertThat(installer.install(false)).isFalse();
    Path launcher = installer.launcher();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher))).isEqualTo("rwxr-xr-x");
    assertThat(Files.readString(launcher)).startsWith("#!/bin/sh\n").contains("installed by 'berth helper install'")
        .contains(" -cp " + installer.jar() + " dev.berth.credentials.vault.HelperMain \"$@\"\n")
        .contains("-Xlog:disable -Xlog:all=warning:stderr");

    // only the helper's package and berth-model's file lock and atomic writes: everything else it
    // needs is in the JDK (a missing class would fail below)
    java.util.List<String> entries = new java.util.ArrayList<>();
    try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(Files.readAllBytes(installer.jar())))) {
      for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
        entries.add(e.getName());
      }
    }
    assertThat(entries).allMatch(n -> n.matches("dev/berth/(credentials/vault|model/io)/.*"))
        .contains("dev/berth/model/io/PathLock.class", "dev/berth/model/io/AtomicWrite.class");
    Exec.Result store = run(launcher, "{\"ServerURL\":\"h:1\",\"Username\":\"u\",\"Secret\":\"s\"}", "store");
    assertThat(store.exitCode()).as(store.stdout() + store.stderr()).isZero();
    Exec.Result get = run(launcher, "h:1", "get");
    assertThat(get.stdout()).isEqualTo("{\"ServerURL\":\"h:1\",\"Username\":\"u\",\"Secret\":\"s\"}\n");
    assertThat(get.stderr()).isEmpty();
    assertThat(run(launcher, "", "list").stdout()).isEqualTo("{\"h:1\":\"u\"}\n");
    assertThat(run(launcher, "h:1", "erase").exitCode()).isZero();
    Exec.Result gone = run(launcher, "h:1", "get");
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.stdout()).isEqualTo("credentials not found in native keychain\n");
  }

  @Test
  void withAnAotCacheOnJdk25() throws Exception {
    HelperInstaller installer = installer();
    org.junit.jupiter.api.Assumptions.assumeTrue(installer.supportsAotCache(), "JDK 25 or newer");
    assertThat(installer.install(true)).isTrue();
    assertThat(installer.cache()).isNotEmptyFile();
    assertThat(Files.readString(installer.launcher())).contains("-XX:AOTCache=" + installer.cache());
    // the training left nothing behind
    try (var files = Files.list(installer.cache().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "docker-credential-berth.jar", "docker-credential-berth.aot");
    }
    run(installer.launcher(), "{\"ServerURL\":\"h:1\",\"Username\":\"u\",\"Secret\":\"s\"}", "store");
    Exec.Result get = run(installer.launcher(), "h:1", "get");
    assertThat(get.stdout()).isEqualTo("{\"ServerURL\":\"h:1\",\"Username\":\"u\",\"Secret\":\"s\"}\n");
    assertThat(get.stderr()).isEmpty();

    // a cache that no longer matches (say, the JDK was updated in place) is ignored without a word
    Files.write(installer.cache(), new byte[] {1, 2, 3});
    Exec.Result stale = run(installer.launcher(), "h:1", "get");
    assertThat(stale.stdout()).isEqualTo(get.stdout());
    assertThat(stale.stderr()).isEmpty();
  }

  @Test
  void aForeignProgramOfTheSameNameIsNotReplaced() throws Exception {
    Path foreign = Files.createDirectories(dir.resolve("bin")).resolve("docker-credential-berth");
    Files.writeString(foreign, "#!/bin/sh\necho mine\n");
    assertThatThrownBy(() -> installer().install(false))
        .hasMessage(foreign + " exists and was not installed by Berth; remove it or choose another --dir");
    assertThat(Files.readString(foreign)).isEqualTo("#!/bin/sh\necho mine\n");
    // an earlier Berth install is replaced
    Files.delete(foreign);
    installer().install(false);
    installer().install(false);
  }

  @Test
  void pathsWithSpacesAndQuotesAreQuotedForSh() {
    assertThat(HelperInstaller.shellQuote("/usr/lib/jvm/x/bin/java")).isEqualTo("/usr/lib/jvm/x/bin/java");
    assertThat(HelperInstaller.shellQuote("/home/o'brien/my dir")).isEqualTo("'/home/o'\\''brien/my dir'");
    assertThat(HelperInstaller.shellQuote("$HOME")).isEqualTo("'$HOME'");
  }
}
