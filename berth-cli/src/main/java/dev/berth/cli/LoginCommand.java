package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "login", description = "not implemented yet")
final class LoginCommand implements Callable<Integer> {
  private final CliContext context;

  public LoginCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth login is not implemented yet");
  }
}
