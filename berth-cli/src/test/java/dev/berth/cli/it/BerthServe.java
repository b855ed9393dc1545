package dev.berth.cli.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code berth serve} as a real process on a free loopback port; its output is kept for asserts. */
final class BerthServe implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://(\\S+)");

  private final Process process;
  private final String host;
  private final List<String> output = new ArrayList<>();

  private BerthServe(Process process, String host) {
    this.process = process;
    this.host = host;
  }

  static BerthServe start(BerthCli cli, Path storage, Path htpasswd) throws IOException, InterruptedException {
    List<String> cmd = cli.command("serve", "--listen", "127.0.0.1:0", "--storage", storage.toString());
    if (htpasswd != null) {
      cmd.addAll(List.of("--htpasswd", htpasswd.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(cli.environment());
    Process p = pb.start();
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.offer(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "berth-serve-output");
    reader.setDaemon(true);
    reader.start();
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line == null) {
        if (!p.isAlive()) {
          break;
        }
        continue;
      }
      seen.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        BerthServe s = new BerthServe(p, m.group(1));
        s.output.addAll(seen);
        return s;
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("berth serve did not start; output:\n" + String.join("\n", seen));
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return host;
  }

  List<String> startupOutput() {
    return output;
  }

  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
