package dev.berth.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.auth.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one body reader against a real HTTP server that misbehaves on purpose. */
@org.junit.jupiter.api.Timeout(60)
class BoundedBodyTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<InputStream> get(BoundedBody.Limit limit, Duration stall, Duration wholeBody) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server.host() + "/x")).timeout(Duration.ofSeconds(10)).build();
    return http.send(request, BoundedBody.handler(server.host(), "fetch x", limit, stall, wholeBody));
  }

  /** Reads to the end or the failure; returns how many bytes were handed over before it. */
  private static long consume(InputStream in, AtomicLong delivered) throws Exception {
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) > 0) {
      delivered.addAndGet(n);
    }
    return delivered.get();
  }

  @Test
  void anEndlessBodyStopsAtTheLimitAndNotOneByteIsHandedOnPastIt() throws Exception {
    AtomicLong sent = new AtomicLong();
    server = new TestServer((req, body) -> Hostile.endless(req.response(), sent));
    AtomicLong delivered = new AtomicLong();
    try (InputStream in = get(new BoundedBody.Limit(100_000, "the size its descriptor declares"), Duration.ofSeconds(5), null).body()) {
      assertThatThrownBy(() -> consume(in, delivered))
          .isInstanceOfSatisfying(BodyLimitException.class, e -> assertThat(e.kind()).isEqualTo(BodyLimitException.Kind.TOO_LARGE))
          .hasMessage("Tried to fetch x but failed because: " + server.host()
              + " sent more than 100000 bytes, the size its descriptor declares");
    }
    assertThat(delivered.get()).isLessThanOrEqualTo(100_000);
  }

  @Test
  void aContentLengthAboveTheLimitFailsBeforeTheBodyIsRead() throws Exception {
    server = new TestServer((req, body) -> req.response().end("0123456789"));
    try (InputStream in = get(new BoundedBody.Limit(4, null), Duration.ofSeconds(5), null).body()) {
      assertThatThrownBy(in::read).hasMessageEndingWith(server.host() + " announced 10 bytes, more than 4 bytes");
    }
  }

  @Test
  void aBodyWithinTheLimitIsReadWhole() throws Exception {
    server = new TestServer((req, body) -> req.response().setChunked(true).end("0123456789"));
    try (InputStream in = get(new BoundedBody.Limit(10, null), Duration.ofSeconds(5), Duration.ofSeconds(5)).body()) {
      assertThat(new String(in.readAllBytes())).isEqualTo("0123456789");
    }
  }

  @Test
  void aTrickleIsAStallAndSilenceIsToo() throws Exception {
    server = new TestServer((req, body) -> {
      if (req.path().equals("/x")) {
        Hostile.trickle(req.response(), 20);
      }
    });
    long start = System.nanoTime();
    try (InputStream in = get(BoundedBody.Limit.NONE, Duration.ofMillis(400), null).body()) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(BodyLimitException.class, e -> assertThat(e.kind()).isEqualTo(BodyLimitException.Kind.STALLED))
          .hasMessageMatching("Tried to fetch x but failed because: only \\d+ bytes from " + server.host()
              + " in 400 ms \\(stall timeout\\)");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    server.close();

    server = new TestServer((req, body) -> Hostile.silent(req.response()));
    try (InputStream in = get(BoundedBody.Limit.NONE, Duration.ofMillis(300), null).body()) {
      assertThatThrownBy(in::read).hasMessage("Tried to fetch x but failed because: no data from " + server.host()
          + " for 300 ms (stall timeout)");
    }
  }

  @Test
  void aBodyReadIntoMemoryMustFinishWithinItsDeadline() throws Exception {
    // 2 KiB every 50 ms passes the stall check, but never ends
    server = new TestServer((req, body) -> {
      Hostile.drip(req.response(), 50, 2048);
    });
    try (InputStream in = get(BoundedBody.Limit.NONE, Duration.ofMillis(300), Duration.ofMillis(700)).body()) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(BodyLimitException.class, e -> assertThat(e.kind()).isEqualTo(BodyLimitException.Kind.TOO_SLOW))
          .hasMessage("Tried to fetch x but failed because: " + server.host() + " did not finish its response within 700 ms");
    }
  }

  @Test
  void sendReadsASmallAnswerAndRefusesAnEndlessOne() throws Exception {
    server = new TestServer((req, body) -> {
      switch (req.path()) {
        case "/ok" -> req.response().end("{\"token\":\"t\"}");
        case "/endless-error" -> {
          req.response().setStatusCode(401);
          Hostile.endless(req.response());
        }
        default -> Hostile.endless(req.response());
      }
    });
    HttpRequest.Builder r = HttpRequest.newBuilder().timeout(Duration.ofSeconds(10));
    assertThat(new String(BoundedBody.send(http, r.uri(URI.create("http://" + server.host() + "/ok")).build(), 1024).body()))
        .isEqualTo("{\"token\":\"t\"}");
    assertThatThrownBy(() -> BoundedBody.send(http, r.uri(URI.create("http://" + server.host() + "/endless")).build(), 1024))
        .isInstanceOf(BodyLimitException.class)
        .hasMessage(server.host() + " sent more than 1 KiB");
    // an error's body is only there for its message: cut, not refused
    HttpResponse<byte[]> error = BoundedBody.send(http, r.uri(URI.create("http://" + server.host() + "/endless-error")).build(), 1024);
    assertThat(error.statusCode()).isEqualTo(401);
    assertThat(error.body()).hasSize((int) BoundedBody.ERROR_BODY);
  }
}
