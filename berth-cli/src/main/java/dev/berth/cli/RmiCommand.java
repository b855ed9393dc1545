package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "rmi", description = "not implemented yet")
final class RmiCommand implements Callable<Integer> {
  private final CliContext context;

  public RmiCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth rmi is not implemented yet");
  }
}
