package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.testkit.Exec;
import dev.berth.testkit.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping and reloading a real {@code berth serve} with signals: SIGTERM lets a request in flight
 * finish, cuts one that outlives {@code --shutdown-timeout}, refuses new connections and exits 0;
 * the cut upload resumes after a restart. SIGHUP reloads users and reopens the access log (as
 * logrotate needs), and the server keeps serving.
 */
class LifecycleIT {
  private static final String USER = "life";
  private static final String PASSWORD = "life-cycle-pw";
  private static final Pattern LISTENING = Pattern.compile("listening on http://(\\S+)");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServerProcess serve(BerthCli cli, Path dir, String... extra) {
    List<String> cmd = new ArrayList<>(cli.command("serve", "--listen", "127.0.0.1:0", "--storage",
        dir.resolve("storage").toString(), "--htpasswd", dir.resolve("users").toString(), "--auth", "basic"));
    cmd.addAll(List.of(extra));
    return ServerProcess.start(cmd, LISTENING, Duration.ofSeconds(60), cli.environment(), dir.resolve("serve.log"));
  }

  private HttpRequest.Builder request(String host, String pathOrUrl) {
    URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : URI.create("http://" + host + pathOrUrl);
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Authorization",
        "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }

  private String startUpload(String host, String repo) throws Exception {
    HttpResponse<String> r = http.send(request(host, "/v2/" + repo + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String location = r.headers().firstValue("Location").orElseThrow();
    return location.startsWith("http") ? location : "http://" + host + location;
  }

  /** A PATCH whose body comes in {@code pieces} pieces of {@code piece} bytes, {@code pauseMs} apart. */
  private CompletableFuture<HttpResponse<String>> paced(String host, String location, byte[] content, int piece, long pauseMs) {
    InputStream body = new InputStream() {
      int at;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (at >= content.length) {
          return -1;
        }
        if (at > 0 && at % piece == 0) {
          try {
            Thread.sleep(pauseMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
          }
        }
        int n = Math.min(Math.min(len, piece - at % piece), content.length - at);
        System.arraycopy(content, at, b, off, n);
        at += n;
        return n;
      }
    };
    return http.sendAsync(request(host, location).header("Content-Type", "application/octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
            content.length)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private long received(String host, String location) throws Exception {
    HttpResponse<String> status = http.send(request(host, location).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).as(status.body()).isEqualTo(204);
    String range = status.headers().firstValue("Range").orElseThrow();
    return Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
  }

  private static boolean accepts(String host) {
    int colon = host.lastIndexOf(':');
    try (Socket s = new Socket(host.substring(0, colon), Integer.parseInt(host.substring(colon + 1)))) {
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void sigtermFinishesRequestsInFlightCutsTheRestAtTheDeadlineExitsZeroAndTheCutUploadResumes(@TempDir Path dir)
      throws Exception {
    BerthCli cli = new BerthCli(dir.resolve("home"));
    TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    byte[] quick = new byte[512 * 1024];
    byte[] slow = new byte[4 * 1024 * 1024];
    new java.util.Random(1).nextBytes(quick);
    new java.util.Random(2).nextBytes(slow);
    String host;
    String cut;
    ServerProcess server = serve(cli, dir, "--shutdown-timeout", "5s");
    try {
      host = server.readyMatch().group(1);
      String finishing = startUpload(host, "life/quick");
      cut = startUpload(host, "life/slow");
      // 8 pieces 250 ms apart: done within 2 s of the start, well inside the 5 s deadline
      CompletableFuture<HttpResponse<String>> inTime = paced(host, finishing, quick, 64 * 1024, 250);
      // 64 pieces 500 ms apart: 32 s, far past the deadline
      CompletableFuture<HttpResponse<String>> tooLong = paced(host, cut, slow, 64 * 1024, 500);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((received(host, cut) == 0 || received(host, finishing) == 0) && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      long t0 = System.nanoTime();
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(server::stop);
      until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (accepts(host) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(accepts(host)).as("new connections are refused once stopping").isFalse();

      HttpResponse<String> finished = inTime.get(20, TimeUnit.SECONDS);
      assertThat(finished.statusCode()).as(finished.body()).isEqualTo(202);
      assertThat(finished.headers().firstValue("Range")).contains("0-" + (quick.length - 1));
      assertThat(exit.get(30, TimeUnit.SECONDS)).as(server.output()).isZero();
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(took).as("stopped at the deadline, not before the slow upload was cut").isBetween(4000L, 15_000L);
      assertThat(tooLong).failsWithin(Duration.ofSeconds(10));
      assertThat(server.output()).contains("received SIGTERM: stopping").contains("stopped after");
    } finally {
      server.close();
    }

    // the cut upload kept what arrived and resumes after a restart
    ServerProcess again = serve(cli, dir);
    try {
      String h = again.readyMatch().group(1);
      String location = cut.replace(host, h);
      long have = received(h, location);
      assertThat(have).isPositive().isLessThan(slow.length);
      HttpResponse<String> rest = http.send(request(h, location).header("Content-Type", "application/octet-stream")
          .header("Content-Range", have + "-" + (slow.length - 1))
          .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(slow, (int) have, (int) (slow.length - have))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(rest.statusCode()).as(rest.body()).isEqualTo(202);
      Digest digest = Digest.sha256(slow);
      String sep = location.contains("?") ? "&" : "?";
      HttpResponse<String> done = http.send(request(h, location + sep + "digest=" + digest)
          .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
      HttpResponse<byte[]> blob = http.send(request(h, "/v2/life/slow/blobs/" + digest).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(blob.body()).isEqualTo(slow);
    } finally {
      again.close();
    }
  }

  @Test
  void sighupReloadsUsersAndReopensTheAccessLogAndTheServerKeepsServing(@TempDir Path dir) throws Exception {
    BerthCli cli = new BerthCli(dir.resolve("home"));
    TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    Path access = dir.resolve("logs/access.log");
    try (ServerProcess server = serve(cli, dir, "--access-log", access.toString())) {
      String host = server.readyMatch().group(1);
      assertThat(http.send(request(host, "/v2/").GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(200);
      until(() -> Files.exists(access) && Files.readString(access).contains("\"route\":\"Ping\""));
      Files.move(access, dir.resolve("logs/access.log.1")); // what logrotate does
      Exec.Result hup = Exec.run(Duration.ofSeconds(10), "kill", "-HUP", Long.toString(server.pid()));
      assertThat(hup.exitCode()).as(hup.stderr()).isZero();
      until(() -> server.output().contains("reloaded: users"));
      HttpResponse<Void> after = http.send(request(host, "/v2/_catalog").GET().build(), HttpResponse.BodyHandlers.discarding());
      assertThat(after.statusCode()).isEqualTo(200);
      until(() -> Files.exists(access) && Files.readString(access).contains("\"route\":\"Catalog\""));
      assertThat(Files.readString(dir.resolve("logs/access.log.1"))).doesNotContain("Catalog");
      assertThat(server.isAlive()).isTrue();
      assertThat(server.stop()).isZero();
    }
  }

  private static void until(java.util.concurrent.Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(50);
    }
  }
}
