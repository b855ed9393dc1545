package dev.berth.cli;

/** The process entry point: everything testable lives in {@link Berth}. */
public final class Main {
  public static void main(String[] args) throws Exception {
    if ("1".equals(System.getenv("BERTH_AOT_TRAINING"))) {
      AotTraining.run(); // the launcher recording the start-up cache; see ./berth
      return;
    }
    System.exit(Berth.fromSystem().run(args));
  }

  private Main() {}
}
