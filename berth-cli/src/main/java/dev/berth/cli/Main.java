package dev.berth.cli;

/** The process entry point: everything testable lives in {@link Berth}. */
public final class Main {
  public static void main(String[] args) {
    System.exit(Berth.fromSystem().run(args));
  }

  private Main() {}
}
