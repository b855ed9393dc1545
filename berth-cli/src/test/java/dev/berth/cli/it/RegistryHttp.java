package dev.berth.cli.it;

import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Raw registry calls with Basic auth, for tests that look under the client. */
final class RegistryHttp {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String authorization;

  RegistryHttp(String host, String user, String password) {
    this.base = URI.create("http://" + host);
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder request(String pathOrUri) {
    return HttpRequest.newBuilder(base.resolve(pathOrUri)).header("Authorization", authorization).timeout(Duration.ofSeconds(60));
  }

  /** POST then PUT ?digest=: a monolithic upload. Returns the digest. */
  Digest pushBlob(String repo, byte[] content) throws IOException, InterruptedException {
    HttpResponse<String> start = http.send(request("/v2/" + repo + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (start.statusCode() != 202) {
      throw new IOException("POST upload: " + start.statusCode() + " " + start.body());
    }
    Digest digest = Digest.sha256(content);
    String location = start.headers().firstValue("Location").orElseThrow();
    String sep = location.contains("?") ? "&" : "?";
    HttpResponse<String> put = http.send(request(location + sep + "digest=" + digest)
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new IOException("PUT upload: " + put.statusCode() + " " + put.body());
    }
    return digest;
  }

  /** Pushes a config blob, one layer and an OCI manifest under {@code tag}; returns the manifest bytes. */
  byte[] pushImage(String repo, String tag, byte[] layer) throws IOException, InterruptedException {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + Digest.sha256(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    Digest c = pushBlob(repo, config);
    Digest l = pushBlob(repo, layer);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + c + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\""
        + MediaTypes.OCI_LAYER + "\",\"digest\":\"" + l + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> put = http.send(request("/v2/" + repo + "/manifests/" + tag)
        .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new IOException("PUT manifest: " + put.statusCode() + " " + put.body());
    }
    return manifest;
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * Starts an upload and streams {@code size} bytes of 7 into a PATCH that the caller will cut
   * off; returns the session's location.
   */
  String startSlowUpload(String repo, long size) throws IOException, InterruptedException {
    HttpResponse<String> start = http.send(request("/v2/" + repo + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    String location = start.headers().firstValue("Location").orElseThrow();
    byte[] chunk = new byte[64 * 1024];
    http.sendAsync(request(location).header("Content-Type", "application/octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
          long left = size;

          @Override
          public int read() {
            return left-- > 0 ? 7 : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(Math.min(len, chunk.length), left);
            java.util.Arrays.fill(b, off, off + n, (byte) 7);
            left -= n;
            return n;
          }
        }), size)).build(), HttpResponse.BodyHandlers.discarding());
    return location;
  }

  /** Bytes an upload session holds, from its status (204 + Range). */
  long uploadedBytes(String location) throws IOException, InterruptedException {
    HttpResponse<String> status = http.send(request(location).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (status.statusCode() != 204) {
      throw new IOException("GET upload status: " + status.statusCode() + " " + status.body());
    }
    String range = status.headers().firstValue("Range").orElseThrow();
    return Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
  }

  /** Completes an upload without a last chunk; returns the status. */
  int completeUpload(String location, Digest digest) throws IOException, InterruptedException {
    String sep = location.contains("?") ? "&" : "?";
    return http.send(request(location + sep + "digest=" + digest).PUT(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
