package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.ServerLimits;
import dev.berth.testkit.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Past {@code maxConnections} the server refuses politely and keeps room for health checks; once
 * the burst is gone it serves as before. (What the limit protects, descriptors, is exercised
 * for real by the CLI's ConnectionBurstIT under a lowered fd limit.)
 */
class ConnectionLimitTest {
  static final int MAX = 4;

  @TempDir Path dir;

  @Test
  void excessConnectionsAreRefusedWith503AndHealthChecksStillAnswer() throws Exception {
    Path users = Htpasswd.create(dir.resolve("users"), "tester", "test-password");
    String auth = "Basic " + Base64.getEncoder().encodeToString("tester:test-password".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true)
        .withLimits(ServerLimits.DEFAULTS.withMaxConnections(MAX).withHeaderTimeout(Duration.ofSeconds(30)));
    List<Socket> idle = new ArrayList<>();
    try (RegistryServer server = RegistryServer.start(config, new PrintStream(log, true, StandardCharsets.UTF_8))) {
      int port = server.port();
      try {
        for (int i = 0; i < MAX; i++) {
          idle.add(RawHttp.connect(port));
        }
        // In the health reserve: /healthz answers, anything else is 503 and the connection closes.
        try (Socket reserve = RawHttp.connect(port)) {
          RawHttp.Response health = RawHttp.exchange(reserve, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", null);
          assertThat(health.status()).isEqualTo(200);
          assertThat(health.body()).isEqualTo("ok\n");
          RawHttp.Response refused = RawHttp.exchange(reserve,
              "GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n", null);
          assertThat(refused.status()).isEqualTo(503);
          assertThat(refused.headers()).containsEntry("retry-after", "1");
          assertThat(refused.body()).startsWith("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"too many connections (limit 4)")
              .doesNotContain("\n");
          assertThat(RawHttp.untilClosed(reserve, 5_000)).isEmpty();
        }
        // Fill the reserve with idle connections too: the next one is answered 503 without being read.
        for (int i = 0; i < ConnectionGuard.HEALTH_RESERVE; i++) {
          idle.add(RawHttp.connect(port));
        }
        Thread.sleep(200); // let the server count them all
        try (Socket beyond = RawHttp.connect(port)) {
          String answer = RawHttp.untilClosed(beyond, 5_000);
          assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
              .contains("Retry-After: 1\r\n")
              .endsWith("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"too many connections (limit 4); try again shortly\"}]}");
        }
        // Idle connections in the reserve get a short header deadline, so the room comes back
        // for the next health check while the burst still holds the normal slots.
        Thread.sleep(ConnectionGuard.RESERVE_HEADER_TIMEOUT.toMillis() + 500);
        try (Socket probe = RawHttp.connect(port)) {
          RawHttp.Response health = RawHttp.exchange(probe, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", null);
          assertThat(health.status()).isEqualTo(200);
        }
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
      // The burst is over: served as before.
      RawHttp.Response ping = null;
      for (int i = 0; i < 50; i++) {
        try (Socket s = RawHttp.connect(port)) {
          ping = RawHttp.exchange(s, "GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n", null);
        }
        if (ping.status() == 200) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(ping.status()).as(ping.body()).isEqualTo(200);
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("warning: 4 connections open (the limit, --max-connections): refusing more with 503 until some close");
    }
  }
}
