package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "load", description = "not implemented yet")
final class LoadCommand implements Callable<Integer> {
  private final CliContext context;

  public LoadCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth load is not implemented yet");
  }
}
