package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.auth.AuthSettings;
import dev.berth.testkit.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload bodies on raw keep-alive connections, where the body tap (pieces handed over without a
 * copy) has to step aside at the right byte: a request pipelined right behind a body, and a
 * client that vanishes in the middle of one.
 */
class UploadStreamTest {
  @TempDir static Path storage;
  static RegistryServer server;
  static String auth;

  @BeforeAll
  static void start() throws Exception {
    Path users = storage.resolve("users");
    Htpasswd.create(users, "tester", "test-password");
    server = RegistryServer.start(new ServerConfig("127.0.0.1", 0, storage.resolve("data"), users, true)
        .withAuth(AuthSettings.of(AuthSettings.Mode.BASIC).withUsersFileGiven(true)),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    auth = "Basic " + Base64.getEncoder().encodeToString("tester:test-password".getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void bodiesAndPipelinedRequestsAndAVanishedClientKeepEveryByteInOrder() throws Exception {
    byte[] blob = new byte[6 * 1024 * 1024 + 123];
    new Random(7).nextBytes(blob);
    Digest digest = Digest.sha256(blob);
    int first = 3 * 1024 * 1024;
    String location;
    try (Socket s = connect()) {
      RawHttp.Response started = RawHttp.exchange(s, "POST /v2/stream/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + auth + "\r\nContent-Length: 0\r\n\r\n", null);
      assertThat(started.status()).isEqualTo(202);
      location = started.headers().get("location");

      // A chunked PATCH and, in the same bytes on the wire, a status request right behind it.
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      wire.writeBytes(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
          + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      for (int off = 0; off < first; off += 100_000) {
        int n = Math.min(100_000, first - off);
        wire.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        wire.write(blob, off, n);
        wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      wire.writeBytes(("0\r\n\r\nGET " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(wire.toByteArray());
      s.getOutputStream().flush();
      RawHttp.Response patched = RawHttp.read(s.getInputStream());
      assertThat(patched.status()).as(patched.body()).isEqualTo(202);
      assertThat(patched.headers().get("range")).isEqualTo("0-" + (first - 1));
      RawHttp.Response status = RawHttp.read(s.getInputStream());
      assertThat(status.status()).isEqualTo(204);
      assertThat(status.headers().get("range")).isEqualTo("0-" + (first - 1));
    }

    // A client that sends half of the next piece and vanishes: what arrived stays, in order.
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
          + "\r\nContent-Length: " + (blob.length - first) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(blob, first, 1024 * 1024);
      out.flush();
    }
    // The rest, from wherever the session stands (once the vanished request has let go of it),
    // closes it: every byte must be the pushed one, in order.
    RawHttp.Response done = null;
    for (int i = 0; i < 200 && (done == null || done.status() != 201); i++) {
      if (done != null) {
        Thread.sleep(50);
      }
      try (Socket s = connect()) {
        RawHttp.Response status = RawHttp.exchange(s, "GET " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
            + "\r\n\r\n", null);
        assertThat(status.status()).isEqualTo(204);
        int offset = Integer.parseInt(status.headers().get("range").substring(2)) + 1;
        assertThat(offset).isBetween(first, first + 1024 * 1024);
        byte[] rest = java.util.Arrays.copyOfRange(blob, offset, blob.length);
        // Content-Range: refused (416, or busy) while the vanished request still writes
        done = RawHttp.exchange(s, "PUT " + location + "?digest=" + digest + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
            + auth + "\r\nContent-Range: " + offset + "-" + (blob.length - 1) + "\r\nContent-Length: "
            + rest.length + "\r\n\r\n", rest);
        assertThat(done.status()).as(done.body()).isIn(201, 416, 400);
      }
    }
    assertThat(done.status()).as(done.body()).isEqualTo(201);
    assertThat(java.nio.file.Files.readAllBytes(server.storage().layout().blobData(digest))).isEqualTo(blob);
  }

  private static Socket connect() throws IOException {
    return RawHttp.connect(server.port());
  }
}
