package dev.berth.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A registry in its own JVM ({@link ServerMain}), for tests that kill it or bound its heap. */
final class ServerProcess implements AutoCloseable {
  final Process process;
  final int port;
  private final StringBuilder output = new StringBuilder();

  private ServerProcess(Process process) throws Exception {
    this.process = process;
    this.port = readPort();
  }

  static ServerProcess start(Path storage, Path users, String... jvmOptions) throws Exception {
    String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(launcher);
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
        storage.toString(), users.toString()));
    return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  synchronized String output() {
    return output.toString();
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private int readPort() throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      append(line);
      int at = line.indexOf("listening on http://127.0.0.1:");
      if (at >= 0) {
        String rest = line.substring(at + "listening on http://127.0.0.1:".length());
        Thread drain = new Thread(() -> {
          try {
            String l;
            while ((l = out.readLine()) != null) {
              append(l);
            }
          } catch (java.io.IOException ignored) {
            // the process ended
          }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(rest.split("\\D", 2)[0]);
      }
    }
    throw new AssertionError("server ended without listening: " + output());
  }

  private synchronized void append(String line) {
    output.append(line).append('\n');
  }
}
