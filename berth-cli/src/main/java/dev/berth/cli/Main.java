package dev.berth.cli;

/** The process entry point: everything testable lives in {@link Berth}. */
public final class Main {
  public static void main(String[] args) throws Exception {
    // picocli otherwise looks for Groovy's Closure class: a class not in the AOT cache makes the JVM
    // open and index the jar (12-28 ms for berth.jar in timed runs) before the command has even been parsed
    System.setProperty("picocli.disable.closures", "true");
    if (args.length == 0 && "1".equals(System.getenv(AotTraining.SWITCH))) {
      AotTraining.run(); // the launcher recording the start-up cache, with no arguments; see ./berth
      return;
    }
    int code;
    try {
      code = Berth.fromSystem().run(args); // Berth.run has shut its HTTP clients down: see HttpClients
    } catch (NoClassDefFoundError e) {
      // berth-client.jar, which ./berth runs client commands on, lacks the registry's libraries: a
      // registry command started on it by hand. Anywhere else a missing class is a bug.
      if (!String.valueOf(Main.class.getProtectionDomain().getCodeSource().getLocation()).endsWith("/berth-client.jar")) {
        throw e;
      }
      System.err.println("Error: this command needs berth.jar, with the registry's libraries (berth-client.jar has no "
          + e.getMessage().replace('/', '.') + "): start it with the berth launcher, or java -jar berth.jar");
      code = 70;
    }
    System.exit(code);
  }

  private Main() {}
}
