package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.trust.TrustTargets;
import dev.berth.testkit.Exec;
import dev.berth.testkit.FreePort;
import dev.berth.testkit.Peers;
import dev.berth.testkit.ServerProcess;
import dev.berth.testkit.SyntheticImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release build, installed as an operator would: {@code scripts/release.sh} makes the .deb
 * (with its own Java runtime), {@code apt-get install ./berth_*.deb} installs it, the service runs
 * as its user with storage in /var/lib/berth (through systemd where it runs, else the unit's own
 * command line and user), the installed {@code berth trust} trusts its CA, and skopeo pushes to
 * it with TLS verification on. The package is purged afterwards.
 *
 * <p>Installing a package changes the machine, so this runs only as root (CI runs as root), with
 * apt-get, and when no berth package is installed already; otherwise it is skipped, saying why.
 */
class PackageIT {
  private static final Pattern LISTENING = Pattern.compile("listening on https://(\\S+)");
  private static final Pattern PASSWORD = Pattern.compile("echo '([^']+)' \\| berth login");
  private static final Pattern FINGERPRINT = Pattern.compile("--fingerprint ([0-9A-F:]{95})");
  private static final Duration APT = Duration.ofMinutes(3);

  @Test
  void theTarballRunsWithoutMavenOrASourceTree(@TempDir Path dir) throws Exception {
    // --no-runtime: the tarball's launcher finds a JDK 21+ on the machine (a jlink'd runtime is the
    // .deb's, tested below)
    Path root = BerthCli.JAR.toAbsolutePath().getParent().getParent().getParent();
    Path out = dir.resolve("release");
    Exec.Result release = Exec.command(root.resolve("scripts/release.sh").toString(), "--jar",
        BerthCli.JAR.toAbsolutePath().toString(), "--out", out.toString(), "--no-deb", "--no-runtime")
        .timeout(Duration.ofMinutes(2)).run();
    assertThat(release.exitCode()).as(release.stderr()).isZero();
    Path tarball;
    try (var files = Files.list(out)) {
      tarball = files.filter(f -> f.getFileName().toString().matches("berth-.*-linux-x86_64\\.tar\\.gz")).findFirst()
          .orElseThrow();
    }
    Path unpacked = Files.createDirectories(dir.resolve("opt"));
    assertThat(Exec.run(Duration.ofSeconds(60), "tar", "-xzf", tarball.toString(), "-C", unpacked.toString()).exitCode())
        .isZero();
    Path home;
    try (var dirs = Files.list(unpacked)) {
      home = dirs.findFirst().orElseThrow();
    }
    Map<String, String> env = Map.of("HOME", dir.resolve("home").toString(), "PATH", "/usr/bin:/bin",
        "XDG_DATA_HOME", dir.resolve("home/data").toString(), "DOCKER_CONFIG", dir.resolve("home/docker").toString());
    Exec.Result version = Exec.command(home.resolve("bin/berth").toString(), "version").env(env)
        .timeout(Duration.ofSeconds(60)).run();
    assertThat(version.exitCode()).as(version.stdout() + version.stderr()).isZero();
    assertThat(version.stdout()).contains("Version:");
    Exec.Result helper = Exec.command(home.resolve("bin/docker-credential-berth").toString(), "get").env(env)
        .stdin("127.0.0.1:5999\n").timeout(Duration.ofSeconds(60)).run();
    assertThat(helper.stdout()).as(helper.stderr()).isEqualTo("credentials not found in native keychain\n");
  }

  @Test
  void theDebInstallsAServiceThatTakesAPush(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(TrustTargets.runningAsRoot(), "installing a .deb needs root (CI runs as root); skipped");
    Assumptions.assumeTrue(Peers.find("apt-get").isPresent() && Peers.find("dpkg-deb").isPresent(),
        "no apt-get or dpkg-deb on this machine; skipped");
    Assumptions.assumeFalse(Exec.run(Duration.ofSeconds(30), "dpkg-query", "-W", "-f=${Status}", "berth").stdout()
        .contains("installed"), "a berth package is installed on this machine already; not replacing it; skipped");
    Path skopeo = Peers.require("skopeo", "skopeo");
    Path root = BerthCli.JAR.toAbsolutePath().getParent().getParent().getParent();
    Path out = dir.resolve("release");
    Exec.Result release = Exec.command(root.resolve("scripts/release.sh").toString(), "--jar",
        BerthCli.JAR.toAbsolutePath().toString(), "--out", out.toString(), "--no-tarball").timeout(Duration.ofMinutes(4)).run();
    assertThat(release.exitCode()).as(release.stderr()).isZero();
    Path deb;
    try (var files = Files.list(out)) {
      deb = files.filter(f -> f.getFileName().toString().matches("berth_.*_amd64\\.deb")).findFirst().orElseThrow();
    }
    boolean systemd = Files.isDirectory(Path.of("/run/systemd/system"));
    int port = FreePort.find();
    ServerProcess server = null;
    try {
      Exec.Result install = Exec.command("apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=120",
              "./" + deb.getFileName()).directory(out).env("DEBIAN_FRONTEND", "noninteractive").timeout(APT).run();
      assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();

      // what the package put where
      assertThat(Exec.run(Duration.ofSeconds(30), "/usr/bin/berth", "--version").stdout()).startsWith("Berth version ");
      assertThat(Path.of("/usr/lib/berth/runtime/bin/java")).isExecutable();
      Path unit = Path.of("/lib/systemd/system/berth.service");
      String unitText = Files.readString(unit);
      assertThat(unitText).contains("User=berth").contains("StateDirectory=berth");
      PosixFileAttributes state = Files.readAttributes(Path.of("/var/lib/berth"), PosixFileAttributes.class);
      assertThat(state.owner().getName()).isEqualTo("berth");
      assertThat(Files.getPosixFilePermissions(Path.of("/etc/berth/berth.yml"))).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
      assertThat(Path.of("/usr/bin/docker-credential-berth")).isExecutable();

      String output;
      if (systemd) {
        Path dropIn = Path.of("/etc/systemd/system/berth.service.d/berth-test.conf");
        Files.createDirectories(dropIn.getParent());
        Files.writeString(dropIn, "[Service]\nEnvironment=BERTH_HTTP_ADDR=127.0.0.1:" + port + "\n");
        ok(Exec.run(Duration.ofSeconds(60), "systemctl", "daemon-reload"));
        ok(Exec.run(Duration.ofSeconds(60), "systemctl", "restart", "berth.service"));
        output = awaitJournal("listening on https://127.0.0.1:" + port);
      } else {
        // no systemd here: the unit's own command line, as its user
        String user = unitValue(unitText, "User");
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups",
            "--reset-env", "env", "HOME=/var/lib/berth", "PATH=/usr/bin:/bin", "BERTH_HTTP_ADDR=127.0.0.1:" + port));
        command.addAll(List.of(unitValue(unitText, "ExecStart").split(" ")));
        server = ServerProcess.start(command, LISTENING, Duration.ofSeconds(60), Map.of(), dir.resolve("service.log"));
        output = server.output();
      }
      String host = "127.0.0.1:" + port;
      Matcher password = PASSWORD.matcher(output);
      Matcher fingerprint = FINGERPRINT.matcher(output);
      assertThat(password.find() && fingerprint.find()).as(output).isTrue();
      // the service's files belong to its user, the keys to nobody else
      assertThat(Files.getOwner(Path.of("/var/lib/berth/htpasswd")).getName()).isEqualTo("berth");
      assertThat(Files.getPosixFilePermissions(Path.of("/var/lib/berth/tls/ca.key")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));

      // a client machine's steps, with the installed berth: trust the CA, then push (verification on)
      Path sysRoot = dir.resolve("system-root");
      Exec.Result trust = Exec.command("/usr/bin/berth", "trust", "https://" + host, "--fingerprint", fingerprint.group(1))
          .env("HOME", dir.resolve("home").toString()).env(TrustTargets.SYSTEM_ROOT_ENV, sysRoot.toString())
          .timeout(Duration.ofSeconds(60)).run();
      assertThat(trust.exitCode()).as(trust.stdout() + trust.stderr()).isZero();
      Path certs = sysRoot.resolve("etc/containers/certs.d").resolve(host);
      Path authfile = dir.resolve("auth.json");
      Files.writeString(authfile, "{\"auths\":{\"" + host + "\":{\"auth\":\"" + Base64.getEncoder()
          .encodeToString(("admin:" + password.group(1)).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
      Path archive = SyntheticImage.builder().seed(601).layerSizes(30_000).gzipLayers(true).build()
          .writeOciArchive(dir.resolve("image.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));
      Exec.Result push = Exec.command(skopeo.toString(), "copy", "--dest-cert-dir", certs.toString(), "--authfile",
          authfile.toString(), "oci-archive:" + archive + ":v1", "docker://" + host + "/packaged/app:1")
          .env("HOME", dir.resolve("home").toString()).timeout(Duration.ofSeconds(120)).run();
      assertThat(push.exitCode()).as(push.stdout() + push.stderr()).isZero();
      Exec.Result inspect = Exec.command(skopeo.toString(), "inspect", "--cert-dir", certs.toString(), "--authfile",
          authfile.toString(), "docker://" + host + "/packaged/app:1").env("HOME", dir.resolve("home").toString())
          .timeout(Duration.ofSeconds(60)).run();
      assertThat(inspect.exitCode()).as(inspect.stderr()).isZero();
      assertThat(Path.of("/var/lib/berth/repositories/packaged/app")).isDirectory();
      if (server != null) {
        assertThat(server.stop()).as(server.output()).isZero();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (systemd) {
        Exec.run(Duration.ofSeconds(60), "systemctl", "stop", "berth.service");
        Files.deleteIfExists(Path.of("/etc/systemd/system/berth.service.d/berth-test.conf"));
      }
      Exec.command("apt-get", "purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "berth")
          .env("DEBIAN_FRONTEND", "noninteractive").timeout(APT).run();
      // the package keeps data and user on purge (on purpose); this test leaves none behind
      Exec.run(Duration.ofSeconds(30), "userdel", "berth");
      Exec.run(Duration.ofSeconds(30), "rm", "-rf", "/var/lib/berth", "/var/log/berth", "/etc/berth");
    }
  }

  private static String unitValue(String unit, String key) {
    return unit.lines().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow().substring(key.length() + 1).strip();
  }

  private static String awaitJournal(String needle) throws InterruptedException {
    String text = "";
    for (int i = 0; i < 600; i++) {
      text = Exec.run(Duration.ofSeconds(30), "journalctl", "-u", "berth.service", "--no-pager", "-o", "cat").stdout();
      if (text.contains(needle)) {
        return text;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the service printed no '" + needle + "':\n" + text);
  }

  private static void ok(Exec.Result r) {
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
  }
}
