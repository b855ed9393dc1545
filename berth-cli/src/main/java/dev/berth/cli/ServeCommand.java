package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "serve", description = "not implemented yet")
final class ServeCommand implements Callable<Integer> {
  private final CliContext context;

  public ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth serve is not implemented yet");
  }
}
