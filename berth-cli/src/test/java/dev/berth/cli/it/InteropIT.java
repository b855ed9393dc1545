package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Berth against the programs people already have: the real docker CLI and skopeo against
 * {@code berth serve}, and the berth client against Debian's CNCF distribution.
 */
class InteropIT extends WithBerthServe {
  InteropIT() {
    super("alice", "correct horse battery");
  }

  private BerthCli.Result docker(String stdin, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    return cli.exec(cmd, stdin);
  }

  @Test
  void realDockerLoginAndLogoutAgainstBerthServe() throws Exception {
    String host = server.host();
    BerthCli.Result bad = docker("wrong\n", "login", host, "-u", user, "--password-stdin");
    assertThat(bad.exitCode()).as(bad.toString()).isNotZero();
    assertThat(bad.all()).containsIgnoringCase("unauthorized");

    BerthCli.Result good = docker(password + "\n", "login", host, "-u", user, "--password-stdin");
    assertThat(good.exitCode()).as(good.toString()).isZero();
    assertThat(good.all()).contains("Login Succeeded");
    // what docker stored, berth uses: a push works without berth login
    Path image = dir.resolve("docker-login.tar");
    TestPeers.dockerArchive(image, host + "/interop/docker-login:1");
    assertThat(cli.run("load", "-i", image.toString()).exitCode()).isZero();
    BerthCli.Result push = cli.run("push", host + "/interop/docker-login:1");
    assertThat(push.exitCode()).as(push.toString()).isZero();

    BerthCli.Result logout = docker("", "logout", host);
    assertThat(logout.exitCode()).as(logout.toString()).isZero();
    assertThat(Files.readString(cli.dockerConfigDir().resolve("config.json"))).doesNotContain(host);

    // and what berth stores, docker removes
    assertThat(cli.runWithInput(password + "\n", "login", host, "-u", user, "--password-stdin").exitCode()).isZero();
    assertThat(Files.readString(cli.dockerConfigDir().resolve("config.json"))).contains(host);
    assertThat(docker("", "logout", host).all()).contains("Removing login credentials for " + host);
    assertThat(Files.readString(cli.dockerConfigDir().resolve("config.json"))).doesNotContain(host);
  }

  @Test
  void skopeoCopiesAnOciLayoutInAndOutWithIdenticalDigests() throws Exception {
    String host = server.host();
    Path authfile = dir.resolve("skopeo-auth.json");
    Files.writeString(authfile, "{\"auths\":{\"" + host + "\":{\"auth\":\""
        + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes()) + "\"}}}");
    Path layout = dir.resolve("layout-in");
    TestPeers.ociLayout(layout, "v1");
    String remote = "docker://" + host + "/interop/skopeo:v1";
    BerthCli.Result in = cli.exec(List.of("skopeo", "copy", "--preserve-digests", "--dest-tls-verify=false", "--authfile", authfile.toString(),
        "oci:" + layout + ":v1", remote), "");
    assertThat(in.exitCode()).as(in.toString()).isZero();
    Path out = dir.resolve("layout-out");
    BerthCli.Result back = cli.exec(List.of("skopeo", "copy", "--preserve-digests", "--src-tls-verify=false", "--authfile", authfile.toString(),
        remote, "oci:" + out + ":v1"), "");
    assertThat(back.exitCode()).as(back.toString()).isZero();
    BerthCli.Result inspect = cli.exec(List.of("skopeo", "inspect", "--tls-verify=false", "--authfile", authfile.toString(),
        "--format", "{{.Digest}}", remote), "");
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    String remoteDigest = inspect.out().strip();
    assertThat(TestPeers.manifestDigest(layout, "v1")).isEqualTo(remoteDigest);
    assertThat(TestPeers.manifestDigest(out, "v1")).isEqualTo(remoteDigest);
  }

  @Test
  void berthClientAgainstDebianDistribution() throws Exception {
    try (var distribution = TestPeers.distribution(dir.resolve("distribution"), user, password)) {
      String host = distribution.host();
      BerthCli.Result bad = cli.runWithInput("nope\n", "login", host, "-u", user, "--password-stdin");
      assertThat(bad.exitCode()).as(bad.toString()).isNotZero();
      assertThat(bad.err()).contains(host);
      BerthCli.Result login = cli.runWithInput(password + "\n", "login", host, "-u", user, "--password-stdin");
      assertThat(login.exitCode()).as(login.toString()).isZero();
      Path image = dir.resolve("to-distribution.tar");
      TestPeers.dockerArchive(image, host + "/interop/distribution:1");
      assertThat(cli.run("load", "-i", image.toString()).exitCode()).isZero();
      BerthCli.Result push = cli.run("push", host + "/interop/distribution:1");
      assertThat(push.exitCode()).as(push.toString()).isZero();
      String digest = push.out().lines().filter(l -> l.startsWith("1: digest: "))
          .findFirst().orElseThrow().split(" ")[2];
      assertThat(cli.run("rmi", host + "/interop/distribution:1").exitCode()).isZero();
      BerthCli.Result pull = cli.run("pull", host + "/interop/distribution:1");
      assertThat(pull.exitCode()).as(pull.toString()).isZero();
      assertThat(pull.out()).contains("Digest: " + digest);
    }
  }
}
