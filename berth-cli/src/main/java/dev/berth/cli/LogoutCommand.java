package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "logout", description = "not implemented yet")
final class LogoutCommand implements Callable<Integer> {
  private final CliContext context;

  public LogoutCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth logout is not implemented yet");
  }
}
