package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "tag", description = "not implemented yet")
final class TagCommand implements Callable<Integer> {
  private final CliContext context;

  public TagCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth tag is not implemented yet");
  }
}
