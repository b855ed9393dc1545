package dev.berth.cli;

import dev.berth.client.HttpClients;

/** The process entry point: everything testable lives in {@link Berth}. */
public final class Main {
  public static void main(String[] args) throws Exception {
    if (args.length == 0 && "1".equals(System.getenv(AotTraining.SWITCH))) {
      AotTraining.run(); // the launcher recording the start-up cache, with no arguments; see ./berth
      return;
    }
    int code = Berth.fromSystem().run(args);
    HttpClients.shutdownAll(); // else the JVM's exit waits 0.3 s on their threads: see HttpClients
    System.exit(code);
  }

  private Main() {}
}
