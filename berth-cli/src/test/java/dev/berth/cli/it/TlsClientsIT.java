package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.trust.TrustTargets;
import dev.berth.testkit.ServerProcess;
import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.TestCertificates;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth serve --tls auto} and {@code berth trust} with the real clients, TLS verification on
 * everywhere: before the CA is trusted skopeo refuses the registry; {@code berth trust} with a
 * wrong fingerprint installs nothing; with the right one, the docker CLI logs in, skopeo copies
 * and podman logs in, pulls and pushes, none told the registry is insecure; {@code berth trust
 * --remove} undoes it. Mutual TLS: skopeo gets in only with a client certificate.
 *
 * <p>Where the clients look is redirected into the test's directory, never {@code /etc}: as root,
 * {@code berth trust} writes system-wide under {@code BERTH_SYSTEM_ROOT}; skopeo and podman are
 * pointed at the containers directory there ({@code --cert-dir}); the docker CLI reads
 * {@code $XDG_CONFIG_HOME/docker/certs.d} when it believes it runs rootless
 * ({@code ROOTLESSKIT_STATE_DIR}), so {@code XDG_CONFIG_HOME=<root>/etc} makes it read exactly
 * {@code <root>/etc/docker/certs.d}. Docker trusts loopback registries without checking, so the
 * server listens on a non-loopback address of this machine.
 */
class TlsClientsIT {
  private static final String USER = "tls-user";
  private static final String PASSWORD = "tls clients pw";
  private static final Pattern LISTENING = Pattern.compile("listening on https://(\\S+)");
  private static final Pattern FINGERPRINT = Pattern.compile("--fingerprint ([0-9A-F:]{95})");

  @TempDir Path dir;
  BerthCli cli;
  Map<String, String> trustEnv;

  private ServerProcess serve(String address, String name, String... extra) {
    List<String> cmd = new ArrayList<>(cli.command("serve", "--tls", "auto", "--listen", address + ":0",
        "--storage", dir.resolve(name).toString(), "--htpasswd", dir.resolve("users").toString()));
    cmd.addAll(List.of(extra));
    return ServerProcess.start(cmd, LISTENING, Duration.ofSeconds(60), cli.environment(), dir.resolve(name + ".log"));
  }

  /** A non-loopback IPv4 address of this machine, or null. */
  private static String externalAddress() throws Exception {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a.getHostAddress();
        }
      }
    }
    return null;
  }

  private BerthCli.Result berth(String stdin, String... args) {
    List<String> cmd = cli.command(args);
    return cli.exec(cmd, stdin, trustEnv);
  }

  private BerthCli.Result run(Map<String, String> env, String stdin, String... command) {
    return cli.exec(List.of(command), stdin, env);
  }

  private static BerthCli.Result ok(BerthCli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  @Test
  void afterBerthTrustDockerSkopeoAndPodmanUseTheRegistryWithTlsVerificationOn() throws Exception {
    cli = new BerthCli(dir.resolve("home"));
    TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    String external = externalAddress();
    String address = external != null ? external : "127.0.0.1";
    try (ServerProcess server = serve(address, "storage")) {
      String host = server.readyMatch().group(1);
      Matcher fp = FINGERPRINT.matcher(server.output());
      assertThat(fp.find()).as(server.output()).isTrue();
      String fingerprint = fp.group(1);
      boolean root = TrustTargets.runningAsRoot();
      Path sysRoot = dir.resolve("system-root");
      trustEnv = Map.of(TrustTargets.SYSTEM_ROOT_ENV, sysRoot.toString());
      List<TrustTargets.Target> targets = TrustTargets.forRegistry(host, root, trustEnv, cli.home());
      Path containersDir = targets.get(1).dir();
      Path authfile = dir.resolve("auth.json");
      Files.writeString(authfile, "{\"auths\":{\"" + host + "\":{\"auth\":\""
          + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
      Path archive = SyntheticImage.builder().seed(401).layerSizes(20_000).gzipLayers(true).build()
          .writeOciArchive(dir.resolve("image.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));
      List<String> certDir = root ? List.of("--dest-cert-dir", containersDir.toString()) : List.of();

      // not trusted yet: skopeo refuses the certificate
      BerthCli.Result refused = skopeo("copy", certDir, "--authfile", authfile.toString(), "oci-archive:" + archive + ":v1",
          "docker://" + host + "/tls/app:1");
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.err()).contains("x509");

      // berth as a client refuses it too, in one line naming the registry and where its CA goes
      if (external != null) {
        BerthCli.Result berthRefused = berth("", "pull", host + "/tls/app:1");
        assertThat(berthRefused.exitCode()).as(berthRefused.toString()).isEqualTo(1);
        assertThat(berthRefused.err()).isEqualTo("Error: TLS: the certificate of " + host + " is signed by an unknown"
            + " authority; put the registry's CA certificate in " + sysRoot.resolve("etc/docker/certs.d").resolve(host)
            + "/ca.crt (or use --insecure to skip verification)\n");
      }

      // a wrong fingerprint installs nothing
      String wrong = (fingerprint.startsWith("00") ? "11" : "00") + fingerprint.substring(2);
      BerthCli.Result mismatch = berth("", "trust", "https://" + host, "--fingerprint", wrong);
      assertThat(mismatch.exitCode()).as(mismatch.toString()).isEqualTo(1);
      assertThat(mismatch.err()).contains("refusing to trust it (nothing was installed)").doesNotContain("\tat ");
      for (TrustTargets.Target t : targets) {
        assertThat(t.file()).doesNotExist();
      }

      BerthCli.Result trusted = ok(berth("", "trust", "https://" + host, "--fingerprint", fingerprint.toLowerCase()));
      for (TrustTargets.Target t : targets) {
        assertThat(trusted.out()).contains(t.file().toString());
        assertThat(Files.readString(t.file())).isEqualTo(Files.readString(dir.resolve("storage/tls/ca.crt")));
      }

      // berth pulls and pushes over HTTPS, verified against the CA berth trust installed
      Files.createDirectories(cli.dockerConfigDir());
      Files.writeString(cli.dockerConfigDir().resolve("config.json"), Files.readString(authfile));
      ok(skopeo("copy", certDir, "--authfile", authfile.toString(), "oci-archive:" + archive + ":v1",
          "docker://" + host + "/tls/berth:1"));
      ok(berth("", "pull", host + "/tls/berth:1"));
      ok(berth("", "tag", host + "/tls/berth:1", host + "/tls/berth:2"));
      assertThat(ok(berth("", "push", host + "/tls/berth:2")).out()).containsPattern("2: digest: sha256:[0-9a-f]{64}");

      // docker CLI: login over HTTPS, verified against the installed CA
      if (external == null) {
        Assumptions.abort("no non-loopback address on this machine: docker trusts loopback registries unverified,"
            + " so its part proves nothing here (skopeo's did)");
      }
      Map<String, String> dockerEnv = new HashMap<>();
      dockerEnv.put("ROOTLESSKIT_STATE_DIR", dir.resolve("rootlesskit").toString());
      dockerEnv.put("XDG_CONFIG_HOME", root ? sysRoot.resolve("etc").toString() : cli.home().resolve(".config").toString());
      BerthCli.Result login = ok(run(dockerEnv, PASSWORD + "\n", "docker", "login", host, "-u", USER, "--password-stdin"));
      assertThat(login.out()).contains("Login Succeeded");
      assertThat(Files.readString(cli.dockerConfigDir().resolve("config.json"))).contains(host).contains("identitytoken");

      // skopeo: push and read back, verification on
      ok(skopeo("copy", certDir, "--authfile", authfile.toString(), "oci-archive:" + archive + ":v1",
          "docker://" + host + "/tls/app:1"));
      List<String> inspectCerts = root ? List.of("--cert-dir", containersDir.toString()) : List.of();
      ok(skopeo("inspect", inspectCerts, "--authfile", authfile.toString(), "docker://" + host + "/tls/app:1"));

      // podman: login, pull, push
      try (Podman podman = new Podman(dir.resolve("podman"))) {
        List<String> flags = new ArrayList<>(List.of("--authfile", authfile.toString()));
        if (root) {
          flags.addAll(List.of("--cert-dir", containersDir.toString()));
        }
        ok(podman.runWithInput(PASSWORD + "\n", concat(List.of("login"), flags, List.of("-u", USER, "--password-stdin", host))));
        ok(podman.run(concat(List.of("pull"), flags, List.of(host + "/tls/app:1"))));
        ok(podman.run(concat(List.of("push"), flags, List.of(host + "/tls/app:1", "docker://" + host + "/tls/podman:1"))));
      }

      // --remove undoes it: skopeo refuses again
      BerthCli.Result removed = ok(berth("", "trust", "--remove", "https://" + host));
      for (TrustTargets.Target t : targets) {
        assertThat(removed.out()).contains(t.file().toString());
        assertThat(t.file()).doesNotExist();
      }
      assertThat(skopeo("inspect", inspectCerts, "--authfile", authfile.toString(), "docker://" + host + "/tls/app:1")
          .err()).contains("x509");
    }
  }

  @Test
  void mutualTlsLetsInOnlyAClientWithACertificateFromTheTeamsCa() throws Exception {
    cli = new BerthCli(dir.resolve("home"));
    TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    TestCertificates.Issued teamCa = TestCertificates.ca("Team CA");
    Path teamCaFile = teamCa.writeCert(dir.resolve("team-ca.pem"));
    try (ServerProcess server = serve("127.0.0.1", "mtls", "--tls-client-ca", teamCaFile.toString())) {
      String host = server.readyMatch().group(1);
      assertThat(server.output()).contains("client certificates required");
      Path without = dir.resolve("certs-without");
      Files.createDirectories(without);
      Files.copy(dir.resolve("mtls/tls/ca.crt"), without.resolve("ca.crt"));
      Path with = dir.resolve("certs-with");
      Files.createDirectories(with);
      Files.copy(dir.resolve("mtls/tls/ca.crt"), with.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
      TestCertificates.Issued client = TestCertificates.client(teamCa, "ci-runner");
      client.writeCert(with.resolve("client.cert"));
      client.writeKey(with.resolve("client.key"));
      String creds = USER + ":" + PASSWORD;
      BerthCli.Result refused = skopeo("inspect", List.of("--cert-dir", without.toString()), "--creds", creds,
          "docker://" + host + "/none:1");
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.err()).containsAnyOf("certificate required", "bad certificate", "handshake", "tls");
      BerthCli.Result in = skopeo("inspect", List.of("--cert-dir", with.toString()), "--creds", creds,
          "docker://" + host + "/none:1");
      // past TLS and authentication: the registry itself answers that there is no such image
      assertThat(in.err()).contains("manifest unknown");
    }
  }

  @Test
  void onATerminalBerthTrustShowsTheFingerprintAndInstallsOnlyWhenTheAnswerIsYes() throws Exception {
    cli = new BerthCli(dir.resolve("home"));
    TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    try (ServerProcess server = serve("127.0.0.1", "prompt")) {
      String host = server.readyMatch().group(1);
      Matcher fp = FINGERPRINT.matcher(server.output());
      assertThat(fp.find()).isTrue();
      Path sysRoot = dir.resolve("prompt-root");
      Map<String, String> env = Map.of(TrustTargets.SYSTEM_ROOT_ENV, sysRoot.toString(), "HOME", cli.home().toString());
      List<TrustTargets.Target> targets = TrustTargets.forRegistry(host, TrustTargets.runningAsRoot(), env, cli.home());

      String no = onTerminal(env, "trust https://" + host, "[y/N] ", "n");
      assertThat(no).contains("SHA-256 fingerprint " + fp.group(1)).contains("Not trusted; nothing was installed.");
      assertThat(targets.getFirst().file()).doesNotExist();

      String yes = onTerminal(env, "trust https://" + host, "[y/N] ", "yes");
      assertThat(yes).contains("Trusted for");
      for (TrustTargets.Target t : targets) {
        assertThat(t.file()).exists();
      }
    }
  }

  /** Runs berth on a pseudo-terminal ({@code script}), typing {@code answer} once {@code prompt} shows. */
  private String onTerminal(Map<String, String> env, String args, String prompt, String answer) throws Exception {
    String command = BerthCli.JAVA + " -jar " + BerthCli.JAR.toAbsolutePath() + " " + args;
    ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
    try (java.io.OutputStream keyboard = p.getOutputStream()) {
      java.io.InputStream tty = p.getInputStream();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (!screen.toString(StandardCharsets.UTF_8).endsWith(prompt)) {
        int b = tty.read();
        if (b < 0 || System.nanoTime() > deadline) {
          throw new AssertionError("no prompt '" + prompt + "'; the terminal showed: " + screen);
        }
        screen.write(b);
      }
      keyboard.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
      tty.transferTo(screen);
    }
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return screen.toString(StandardCharsets.UTF_8);
  }

  private BerthCli.Result skopeo(String verb, List<String> certFlags, String... rest) {
    List<String> cmd = new ArrayList<>(List.of("skopeo", verb));
    cmd.addAll(certFlags);
    cmd.addAll(List.of(rest));
    return cli.exec(cmd, "");
  }

  @SafeVarargs
  private static String[] concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all.toArray(String[]::new);
  }
}
