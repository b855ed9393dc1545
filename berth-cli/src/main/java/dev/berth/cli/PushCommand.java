package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "push", description = "not implemented yet")
final class PushCommand implements Callable<Integer> {
  private final CliContext context;

  public PushCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth push is not implemented yet");
  }
}
