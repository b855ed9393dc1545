package dev.berth.cli;

import dev.berth.client.HttpClients;

/** The process entry point: everything testable lives in {@link Berth}. */
public final class Main {
  public static void main(String[] args) throws Exception {
    if ("1".equals(System.getenv("BERTH_AOT_TRAINING"))) {
      AotTraining.run(); // the launcher recording the start-up cache; see ./berth
      return;
    }
    int code = Berth.fromSystem().run(args);
    HttpClients.shutdownAll(); // else the JVM's exit waits 0.3 s on their threads: see HttpClients
    System.exit(code);
  }

  private Main() {}
}
