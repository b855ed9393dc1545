package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.ServerLimits;
import dev.berth.testkit.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that trickle: headers one byte at a time, or an upload body far below the minimum
 * rate. Thresholds are lowered (a 1 s header deadline, 1 KiB/s over 1 s) so that this stays fast.
 */
class SlowClientsTest {
  static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
  @TempDir static Path storage;
  static RegistryServer server;
  static String auth;

  @BeforeAll
  static void start() throws Exception {
    Path users = Htpasswd.create(storage.resolve("users"), "tester", "test-password");
    ServerConfig config = new ServerConfig("127.0.0.1", 0, storage.resolve("data"), users, true)
        .withLimits(ServerLimits.DEFAULTS.withHeaderTimeout(HEADER_TIMEOUT).withBodyRate(1024, Duration.ofSeconds(1)));
    server = RegistryServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    auth = "Basic " + Base64.getEncoder().encodeToString("tester:test-password".getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void headersTrickledOneByteAtATimeAreCutOffAtTheDeadline() throws Exception {
    byte[] request = ("GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    List<Socket> slow = new ArrayList<>();
    List<Thread> tricklers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      Socket s = RawHttp.connect(server.port());
      slow.add(s);
      tricklers.add(Thread.ofVirtual().start(() -> {
        try {
          OutputStream out = s.getOutputStream();
          for (byte b : request) {
            out.write(b);
            out.flush();
            Thread.sleep(250);
          }
        } catch (IOException | InterruptedException e) {
          // cut off: what this test expects
        }
      }));
    }
    try (Socket silent = RawHttp.connect(server.port())) {
      for (Socket s : slow) {
        String answer = RawHttp.untilClosed(s, 5_000);
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(elapsed).as("closed after %d ms", elapsed).isLessThan(HEADER_TIMEOUT.toMillis() + 1_500);
        assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close\r\n")
            .endsWith("\"message\":\"request headers not received within 1.0 s; the connection is closed\"}]}");
      }
      // A connection that never sends a byte has the same deadline.
      assertThat(RawHttp.untilClosed(silent, 3_000)).startsWith("HTTP/1.1 408 ");
    } finally {
      for (Socket s : slow) {
        s.close();
      }
      for (Thread t : tricklers) {
        t.join();
      }
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsNotAHeaderTimeout() throws Exception {
    try (Socket s = RawHttp.connect(server.port())) {
      String ping = "GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n";
      assertThat(RawHttp.exchange(s, ping, null).status()).isEqualTo(200);
      Thread.sleep(HEADER_TIMEOUT.toMillis() + 500);
      assertThat(RawHttp.exchange(s, ping, null).status()).isEqualTo(200);
    }
  }

  @Test
  void anUploadBodyBelowTheMinimumRateIsCutOffAndTheSessionResumesFromWhatArrived() throws Exception {
    byte[] blob = new byte[20_000];
    new Random(12).nextBytes(blob);
    Digest digest = Digest.sha256(blob);
    String location;
    try (Socket s = RawHttp.connect(server.port())) {
      RawHttp.Response started = RawHttp.exchange(s, "POST /v2/slow/body/blobs/uploads/ HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: " + auth + "\r\nContent-Length: 0\r\n\r\n", null);
      assertThat(started.status()).isEqualTo(202);
      location = started.headers().get("location");
    }
    long start = System.nanoTime();
    int sent = 0;
    String answer;
    try (Socket s = RawHttp.connect(server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
          + "\r\nContent-Length: " + blob.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // 500 bytes/s, half the minimum, until the server cuts us off.
      s.setSoTimeout(1);
      int first = -1;
      try {
        while (first < 0 && sent < blob.length && Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10) {
          out.write(blob, sent, 100);
          out.flush();
          sent += 100;
          try {
            first = s.getInputStream().read(); // the answer has begun (or the connection ended)
          } catch (java.net.SocketTimeoutException e) {
            // nothing yet
          }
          Thread.sleep(200);
        }
      } catch (IOException e) {
        // the server closed while we wrote: its answer is waiting to be read
      }
      answer = (first > 0 ? String.valueOf((char) first) : "") + RawHttp.untilClosed(s, 5_000);
    }
    long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertThat(elapsed).as("cut off after %d ms", elapsed).isLessThan(4_000);
    assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n")
        .contains("{\"errors\":[{\"code\":\"BLOB_UPLOAD_INVALID\",\"message\":\"the upload body arrived slower than"
            + " 1024 bytes/s over 1 s; the connection is closed\"}]}");

    // The session kept every byte that arrived, in order: resume from there and complete.
    try (Socket s = RawHttp.connect(server.port())) {
      RawHttp.Response status = RawHttp.exchange(s, "GET " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + auth + "\r\n\r\n", null);
      assertThat(status.status()).isEqualTo(204);
      int offset = Integer.parseInt(status.headers().get("range").substring(2)) + 1;
      assertThat(offset).isBetween(100, sent);
      byte[] rest = Arrays.copyOfRange(blob, offset, blob.length);
      RawHttp.Response done = RawHttp.exchange(s, "PUT " + location + "?digest=" + digest + " HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: " + auth + "\r\nContent-Range: " + offset + "-" + (blob.length - 1)
          + "\r\nContent-Length: " + rest.length + "\r\n\r\n", rest);
      assertThat(done.status()).as(done.body()).isEqualTo(201);
    }
    assertThat(Files.readAllBytes(server.storage().layout().blobData(digest))).isEqualTo(blob);
  }

  @Test
  void aManifestBodyBelowTheMinimumRateIsCutOffToo() throws Exception {
    try (Socket s = RawHttp.connect(server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("PUT /v2/slow/manifest/manifests/v1 HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
          + "\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: 5000\r\n\r\n{")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = RawHttp.untilClosed(s, 4_000);
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"code\":\"MANIFEST_INVALID\"")
          .contains("the manifest arrived slower than 1024 bytes/s");
    }
  }
}
