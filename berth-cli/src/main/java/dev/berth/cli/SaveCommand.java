package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "save", description = "not implemented yet")
final class SaveCommand implements Callable<Integer> {
  private final CliContext context;

  public SaveCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth save is not implemented yet");
  }
}
