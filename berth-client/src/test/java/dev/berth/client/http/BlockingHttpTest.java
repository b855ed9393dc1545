package dev.berth.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.auth.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Small requests on the calling thread ({@link Exchange#blocking()}, what a login uses) keep the
 * limits the JDK client's {@link BoundedBody#send} keeps, against a server that misbehaves.
 */
@org.junit.jupiter.api.Timeout(60)
class BlockingHttpTest {
  private final Exchange exchange = Exchange.blocking();
  private TestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(URI.create("http://" + server.host() + path)).timeout(timeout);
  }

  @Test
  void aSmallAnswerIsReadAndAnEndlessOneRefusedOrCut() throws Exception {
    server = new TestServer((req, body) -> {
      switch (req.path()) {
        case "/ok" -> req.response().putHeader("X-Seen", req.method().name() + ":" + body).end("{\"token\":\"t\"}");
        case "/endless-error" -> {
          req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"r\"");
          Hostile.endless(req.response());
        }
        case "/announced" -> req.response().end("0123456789");
        default -> Hostile.endless(req.response());
      }
    });
    HttpResponse<byte[]> ok = exchange.send(request("/ok", Duration.ofSeconds(10)).GET().build(), 1024);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new String(ok.body())).isEqualTo("{\"token\":\"t\"}");
    assertThat(ok.headers().firstValue("x-seen")).hasValue("GET:");

    HttpResponse<byte[]> posted = exchange.send(request("/ok", Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=a"))
        .header("Content-Type", "application/x-www-form-urlencoded").build(), 1024);
    assertThat(posted.headers().firstValue("X-Seen")).hasValue("POST:grant_type=password&username=a");

    assertThatThrownBy(() -> exchange.send(request("/endless", Duration.ofSeconds(10)).build(), 1024))
        .isInstanceOf(BodyLimitException.class)
        .hasMessage(server.host() + " sent more than 1 KiB");
    assertThatThrownBy(() -> exchange.send(request("/announced", Duration.ofSeconds(10)).build(), 4))
        .isInstanceOf(BodyLimitException.class)
        .hasMessage(server.host() + " announced 10 bytes, more than 4 bytes");
    // an error's body is only there for its message: cut, not refused; its headers are all there
    HttpResponse<byte[]> error = exchange.send(request("/endless-error", Duration.ofSeconds(10)).build(), 1024);
    assertThat(error.statusCode()).isEqualTo(401);
    assertThat(error.body()).hasSize((int) BoundedBody.ERROR_BODY);
    assertThat(error.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"r\"");
  }

  @Test
  void headersSentAByteAtATimeMeetTheResponseTimeout() throws Exception {
    // each byte comes well within any socket timeout; only a deadline for the whole headers ends it
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform().daemon().start(() -> {
        try (java.net.Socket s = listener.accept()) {
          for (byte b : "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            Thread.sleep(100);
          }
          while (true) {
            s.getOutputStream().write('x');
            s.getOutputStream().flush();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException e) {
          // the client hung up
        }
      });
      long start = System.nanoTime();
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/v2/"))
          .timeout(Duration.ofMillis(800)).build();
      assertThatThrownBy(() -> exchange.send(request, 1024)).isInstanceOf(HttpTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aHeaderSentInTwoSpellingsIsOneHeaderWithBothValues() throws Exception {
    server = new TestServer((req, body) -> {
      req.response().headers().add("X-Cache", "a").add("x-cache", "b");
      req.response().end("{}");
    });
    HttpResponse<byte[]> r = exchange.send(request("/", Duration.ofSeconds(10)).build(), 1024);
    assertThat(r.headers().allValues("x-CACHE")).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aDefaultAuthenticatorInTheJvmNeverAnswersAChallenge() throws Exception {
    server = new TestServer((req, body) -> req.response().setStatusCode(401)
        .putHeader("WWW-Authenticate", "Basic realm=\"r\"").end());
    java.net.Authenticator.setDefault(new java.net.Authenticator() {
      @Override
      protected java.net.PasswordAuthentication getPasswordAuthentication() {
        return new java.net.PasswordAuthentication("alice", "s3cret".toCharArray());
      }
    });
    try {
      assertThat(exchange.send(request("/v2/", Duration.ofSeconds(10)).build(), 1024).statusCode()).isEqualTo(401);
    } finally {
      java.net.Authenticator.setDefault(null);
    }
    assertThat(server.seen).hasSize(1);
    assertThat(server.seen.get(0).authorization()).isNull();
  }

  @Test
  void silenceTimesOutAndAnAnswerThatNeverEndsMeetsItsDeadline() throws Exception {
    server = new TestServer((req, body) -> {
      if (req.path().equals("/silent")) {
        return; // no headers, ever
      }
      // 2 KiB every 50 ms: never a stall, never an end
      Hostile.drip(req.response(), 50, 2048);
    });
    long start = System.nanoTime();
    assertThatThrownBy(() -> exchange.send(request("/silent", Duration.ofMillis(300)).build(), 1 << 20))
        .isInstanceOf(HttpTimeoutException.class);
    assertThatThrownBy(() -> exchange.send(request("/slow", Duration.ofMillis(700)).build(), 100 << 20))
        .isInstanceOfSatisfying(BodyLimitException.class, e -> assertThat(e.kind()).isEqualTo(BodyLimitException.Kind.TOO_SLOW))
        .hasMessage(server.host() + " did not finish its response within 700 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
