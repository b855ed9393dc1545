package dev.berth.cli;

/**
 * A failure the user can act on: printed as one line ({@code Error: ...}) without a stack trace,
 * with the given exit code.
 */
public final class UserError extends RuntimeException {
  private final int exitCode;

  public UserError(String message) {
    this(message, 1);
  }

  public UserError(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
