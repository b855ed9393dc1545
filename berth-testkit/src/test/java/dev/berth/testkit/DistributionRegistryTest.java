package dev.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionRegistryTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesTheApiBehindHtpasswdAndStopsOnClose(@TempDir Path dir) throws Exception {
    Path users = Htpasswd.create(dir.resolve("users"), "alice", "s3cret");
    DistributionRegistry registry = DistributionRegistry.builder().htpasswd(users)
        .workDir(dir.resolve("registry")).start();
    try (registry) {
      assertThat(registry.host()).isEqualTo("127.0.0.1:" + registry.port());
      HttpResponse<String> anonymous = http.send(
          HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          value -> assertThat(value).startsWith("Basic realm="));

      HttpResponse<String> authenticated = http.send(
          HttpRequest.newBuilder(registry.baseUri().resolve("/v2/"))
              .header("Authorization", basic("alice", "s3cret")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(authenticated.statusCode()).isEqualTo(200);
    }
    assertThat(registry.isAlive()).isFalse();
    assertThat(Files.readString(registry.logFile())).contains("listening on 127.0.0.1:" + registry.port());
  }

  @Test
  void ownsAndRemovesItsTempDirectory(@TempDir Path dir) {
    Path users = Htpasswd.create(dir.resolve("users"), "alice", "s3cret");
    Path storage;
    try (DistributionRegistry registry = DistributionRegistry.start(users)) {
      storage = registry.storage();
      assertThat(storage).isDirectory();
    }
    assertThat(storage).doesNotExist();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
