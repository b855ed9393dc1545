package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.ServerLimits;
import dev.berth.testkit.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open upload sessions are capped per user and in total: 429 TOOMANYREQUESTS with Retry-After. */
class UploadSessionLimitTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  String base;

  @Test
  void aUserPastTheCapGets429AndCompletingOrCancellingFreesASlot() throws Exception {
    Path users = Htpasswd.write(dir.resolve("users"), Map.of("alice", "alice-pw", "bob", "bob-pw"));
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true)
        .withLimits(ServerLimits.DEFAULTS.withUploads(2, 3));
    try (RegistryServer server = RegistryServer.start(config, new PrintStream(new ByteArrayOutputStream()))) {
      base = "http://127.0.0.1:" + server.port();
      String first = start("alice").headers().firstValue("Location").orElseThrow();
      start("alice");
      HttpResponse<String> refused = start("alice");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
      assertThat(refused.body()).isEqualTo("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":"
          + "\"too many upload sessions open for alice (limit 2); complete or cancel some, or retry later\"}]}");

      assertThat(start("bob").statusCode()).isEqualTo(202);
      HttpResponse<String> full = start("bob");
      assertThat(full.statusCode()).isEqualTo(429);
      assertThat(full.body()).contains("on this registry (limit 3)");
      // A monolithic upload opens a session as well, so it is refused the same way.
      byte[] blob = "monolithic".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> mono = send("bob", HttpRequest.newBuilder(URI.create(base + "/v2/bob/app/blobs/uploads/?digest="
          + Digest.sha256(blob))).POST(HttpRequest.BodyPublishers.ofByteArray(blob)));
      assertThat(mono.statusCode()).isEqualTo(429);

      assertThat(send("alice", HttpRequest.newBuilder(URI.create(base + first)).DELETE()).statusCode()).isEqualTo(204);
      String again = start("alice").headers().firstValue("Location").orElseThrow();
      assertThat(send("alice", HttpRequest.newBuilder(URI.create(base + again + "?digest=" + Digest.sha256(blob)))
          .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))).statusCode()).isEqualTo(201);
      assertThat(start("bob").statusCode()).isEqualTo(202);
    }
  }

  private HttpResponse<String> start(String user) throws Exception {
    return send(user, HttpRequest.newBuilder(URI.create(base + "/v2/" + user + "/app/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> send(String user, HttpRequest.Builder request) throws Exception {
    String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8));
    return http.send(request.header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
  }
}
