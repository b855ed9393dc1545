package dev.berth.server;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs a registry in its own JVM, so a test can bound its heap. Args: storage users. */
public final class ServerMain {
  public static void main(String[] args) throws InterruptedException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    RegistryServer.start(new ServerConfig("127.0.0.1", 0, Path.of(args[0]), Path.of(args[1]), true), out);
    Thread.sleep(Long.MAX_VALUE);
  }

  private ServerMain() {}
}
