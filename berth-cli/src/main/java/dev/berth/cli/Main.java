package dev.berth.cli;

/** The process entry point: everything testable lives in {@link Berth}. */
public final class Main {
  public static void main(String[] args) throws Exception {
    // picocli otherwise looks for Groovy's Closure class: a class not in the AOT cache makes the JVM
    // open and index the 40 MB jar (10-25 ms) before the command has even been parsed
    System.setProperty("picocli.disable.closures", "true");
    if (args.length == 0 && "1".equals(System.getenv(AotTraining.SWITCH))) {
      AotTraining.run(); // the launcher recording the start-up cache, with no arguments; see ./berth
      return;
    }
    System.exit(Berth.fromSystem().run(args)); // Berth.run has shut its HTTP clients down: see HttpClients
  }

  private Main() {}
}
