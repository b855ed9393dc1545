package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "pull", description = "not implemented yet")
final class PullCommand implements Callable<Integer> {
  private final CliContext context;

  public PullCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth pull is not implemented yet");
  }
}
