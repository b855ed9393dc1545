package dev.berth.cli;

/**
 * Start-up work a command will need later, done on a second core while the first parses the
 * command line and waits for the registry: a fresh JVM spends tens of milliseconds in the JDK's
 * first use of a URL handler or of its cryptography. One daemon thread runs the steps in order;
 * each step is idempotent and leaves its failures for the real use to report.
 */
final class Warmup {
  private Warmup() {}

  static void inBackground(Runnable... steps) {
    Thread t = new Thread(() -> {
      for (Runnable step : steps) {
        try {
          step.run();
        } catch (RuntimeException | LinkageError | java.util.ServiceConfigurationError e) {
          // reported, if it matters, when the command does the same for real (never a stack trace here)
        }
      }
    }, "berth-warmup");
    t.setDaemon(true);
    t.start();
  }
}
