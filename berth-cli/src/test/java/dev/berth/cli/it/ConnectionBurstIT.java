package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: one burst of idle connections past the file-descriptor limit stopped {@code berth
 * serve} for good (the acceptor thread died in its first log line, which needed the time-zone
 * file). Here the real jar runs with {@code ulimit -n 256}, twice: with the default connection
 * limit (derived from those 256) the burst is refused politely and health checks still answer;
 * with a limit above the descriptors, accept really fails, and the server must still recover
 * once the burst is gone.
 */
class ConnectionBurstIT {
  private static final String USER = "burst";
  private static final String PASSWORD = "burst-test-password";
  private static final int FD_LIMIT = 256;
  private static final int BURST = 400;

  @TempDir Path dir;

  @Test
  void withTheDefaultLimitABurstIsRefusedAndHealthChecksStillAnswer() throws Exception {
    BerthCli cli = new BerthCli(dir.resolve("home"));
    Path users = TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    try (ServerProcess server = start(cli, users, "default")) {
      int port = port(server);
      List<Socket> burst = open(port, BURST);
      try {
        // Idle connections past the limit are closed at once (503) or, in the room kept for
        // health checks, after a short deadline: a probe then finds that room again.
        Thread.sleep(2_500);
        assertThat(request(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")).as(server.output())
            .startsWith("HTTP/1.1 200 ");
        String refused = request(port, "GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(refused).startsWith("HTTP/1.1 503 ").contains("\"code\":\"UNAVAILABLE\"");
      } finally {
        close(burst);
      }
      assertServesAgain(server, port);
      assertThat(server.output()).contains("connections open (the limit, --max-connections)")
          .doesNotContain("Exception in thread").doesNotContain("NoClassDefFoundError");
    }
  }

  @Test
  void pastTheDescriptorsAcceptFailsAndTheServerRecoversOnItsOwn() throws Exception {
    BerthCli cli = new BerthCli(dir.resolve("home"));
    Path users = TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD);
    try (ServerProcess server = start(cli, users, "too-high", "--max-connections", "100000")) {
      int port = port(server);
      List<Socket> burst = open(port, BURST);
      Thread.sleep(2_000);
      close(burst);
      assertServesAgain(server, port);
      String log = server.output();
      assertThat(log).as(log).doesNotContain("Exception in thread").doesNotContain("NoClassDefFoundError")
          .contains("Too many open files");
      // One line per failed accept (Netty retries after a second), not a stack trace each time.
      assertThat(log.lines().filter(l -> l.startsWith("\tat ")).count()).as(log).isZero();
    }
  }

  private ServerProcess start(BerthCli cli, Path users, String name, String... extra) {
    List<String> serve = new ArrayList<>(cli.command("serve", "--listen", "127.0.0.1:0",
        "--storage", dir.resolve(name).toString(), "--htpasswd", users.toString()));
    serve.addAll(List.of(extra));
    List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$@\"", "bash"));
    command.addAll(serve);
    return ServerProcess.start(command, Pattern.compile("listening on http://(\\S+)"), Duration.ofSeconds(60),
        cli.environment(), dir.resolve(name + ".log"));
  }

  private static int port(ServerProcess server) {
    String host = server.readyMatch().group(1);
    return Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
  }

  private static List<Socket> open(int port, int n) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sockets.add(new Socket("127.0.0.1", port));
    }
    return sockets;
  }

  private static void close(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  /** A login (GET /v2/ with Basic credentials) succeeds within a few seconds. */
  private static void assertServesAgain(ServerProcess server, int port) throws Exception {
    String auth = java.util.Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    String answer = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        answer = request(port, "GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + auth + "\r\n\r\n");
        if (answer.startsWith("HTTP/1.1 200 ")) {
          return;
        }
      } catch (IOException e) {
        answer = e.toString();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no successful request after the burst; last answer: " + answer + "\n" + server.output());
  }

  /** One request on a fresh connection; the response head and body as text. */
  private static String request(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write((request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
