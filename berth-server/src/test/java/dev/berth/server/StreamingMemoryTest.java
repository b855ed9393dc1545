package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.ServerProcess;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs stream: a server with a 48 MiB heap takes a 384 MiB blob, sent chunked (no length
 * known in advance), and serves it back. Buffering a blob anywhere would exhaust the heap.
 */
class StreamingMemoryTest {
  static final long SIZE = 384L * 1024 * 1024;
  @TempDir Path dir;

  @Test
  void aBlobMuchLargerThanTheHeapGoesInAndOut() throws Exception {
    Path users = dir.resolve("users");
    Htpasswd.create(users, "big", "big-pw");
    String auth = "Basic " + Base64.getEncoder().encodeToString("big:big-pw".getBytes(StandardCharsets.UTF_8));
    MessageDigest sha = Digest.newSha256();
    try (InputStream content = pattern(SIZE)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = content.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
    }
    Digest digest = Digest.fromHash("sha256", sha.digest());
    HttpClient http = HttpClient.newHttpClient();
    try (ServerProcess server = ServerProcess.start(
        List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
            "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
            dir.resolve("data").toString(), users.toString()),
        Pattern.compile("listening on (http://\\S+)"), Duration.ofSeconds(60), Map.of(), dir.resolve("server.log"))) {
      String base = server.readyMatch().group(1);
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(
              URI.create(base + "/v2/big/blob/blobs/uploads/?digest=" + digest))
          .header("Authorization", auth)
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> pattern(SIZE))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body() + server.output()).isEqualTo(201);

      HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(
              URI.create(base + "/v2/big/blob/blobs/" + digest)).header("Authorization", auth).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      MessageDigest back = Digest.newSha256();
      long total = 0;
      try (InputStream in = get.body()) {
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.read(buf)) > 0) {
          back.update(buf, 0, n);
          total += n;
        }
      }
      assertThat(total).isEqualTo(SIZE);
      assertThat(Digest.fromHash("sha256", back.digest())).isEqualTo(digest);
      assertThat(server.output()).doesNotContain("OutOfMemoryError");
    }
  }

  /** {@code size} bytes of a cheap, non-constant pattern, generated on the fly. */
  static InputStream pattern(long size) {
    return new InputStream() {
      long left = size;

      @Override
      public int read() {
        return left-- > 0 ? (int) (left * 31 & 0xff) : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) ((left - i) * 31);
        }
        left -= n;
        return n;
      }
    };
  }
}
