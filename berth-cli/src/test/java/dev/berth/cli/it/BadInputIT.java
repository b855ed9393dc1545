package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets a clear one-line error and loses nothing. */
class BadInputIT extends WithBerthServe {
  BadInputIT() {
    super("bob", "pa55-w0rd");
  }

  private static void assertOneLineError(BerthCli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
    assertThat(r.err()).as(r.toString()).startsWith("Error: ").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void unknownHost() throws Exception {
    BerthCli.Result r = cli.runWithInput("x\n", "login", "no-such-host.invalid", "-u", "u", "--password-stdin");
    assertOneLineError(r);
    assertThat(r.err()).contains("no-such-host.invalid");
    assertThat(cli.dockerConfigDir().resolve("config.json")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Upper", "a//b", "host:5000/a:bad:tag", "repo@sha256:123", ":tag"})
  void malformedImageNames(String name) throws Exception {
    for (String command : new String[] {"push", "pull"}) {
      BerthCli.Result r = cli.run(command, name);
      assertOneLineError(r);
      assertThat(r.err()).contains("invalid reference format").contains(name);
    }
    BerthCli.Result tag = cli.run("tag", name, "ok/target:1");
    assertOneLineError(tag);
    assertThat(tag.err()).contains("invalid reference format").contains(name);
  }

  @Test
  void corruptConfigIsReportedAndLeftAsItWas() throws Exception {
    BerthCli corrupt = new BerthCli(dir.resolve("corrupt-home"));
    Files.createDirectories(corrupt.dockerConfigDir());
    Path config = corrupt.dockerConfigDir().resolve("config.json");
    String garbage = "{\"auths\": {\"a\": {\"auth\": \"x\"}},, oops";
    Files.writeString(config, garbage);
    BerthCli.Result r = corrupt.runWithInput(password + "\n", "login", server.host(), "-u", user, "--password-stdin");
    assertOneLineError(r);
    assertThat(r.err()).contains(config.toString());
    assertThat(Files.readString(config)).isEqualTo(garbage);
    BerthCli.Result logout = corrupt.run("logout", server.host());
    assertOneLineError(logout);
    assertThat(Files.readString(config)).isEqualTo(garbage);
  }

  @Test
  void tamperedBlobIsRejectedAndLeavesNothing() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    URI base = URI.create("http://" + server.host());
    byte[] content = "the real content".getBytes(StandardCharsets.UTF_8);
    String claimed = dev.berth.model.Digest.sha256("what the client claims".getBytes(StandardCharsets.UTF_8)).toString();
    HttpResponse<String> start = http.send(HttpRequest.newBuilder(base.resolve("/v2/tamper/test/blobs/uploads/"))
        .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(start.statusCode()).isEqualTo(202);
    URI location = base.resolve(start.headers().firstValue("Location").orElseThrow());
    String sep = location.getQuery() == null ? "?" : "&";
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(location + sep + "digest=" + claimed))
        .header("Authorization", auth).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(put.body()).contains("DIGEST_INVALID");
    HttpResponse<Void> head = http.send(HttpRequest.newBuilder(base.resolve("/v2/tamper/test/blobs/" + claimed))
        .header("Authorization", auth).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(404);
    String real = dev.berth.model.Digest.sha256(content).toString();
    HttpResponse<Void> headReal = http.send(HttpRequest.newBuilder(base.resolve("/v2/tamper/test/blobs/" + real))
        .header("Authorization", auth).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(headReal.statusCode()).isEqualTo(404);
  }

  @Test
  void serveRefusesABadListenAddress() throws Exception {
    BerthCli.Result r = cli.run("serve", "--listen", "127.0.0.1:notaport", "--storage", dir.resolve("s2").toString());
    assertOneLineError(r);
    assertThat(r.err()).contains("127.0.0.1:notaport");
  }

  @Test
  void serveRefusesNonBcryptUsers() throws Exception {
    Path users = dir.resolve("md5-users");
    Files.writeString(users, "carol:$apr1$abcdefgh$0123456789abcdefghijkl\n");
    BerthCli.Result r = cli.run("serve", "--listen", "127.0.0.1:0", "--storage", dir.resolve("s3").toString(),
        "--htpasswd", users.toString());
    assertOneLineError(r);
    assertThat(r.err()).contains("carol").containsIgnoringCase("bcrypt");
  }
}
