package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented; fails loudly rather than pretending. */
@Command(name = "images", description = "not implemented yet")
final class ImagesCommand implements Callable<Integer> {
  private final CliContext context;

  public ImagesCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new UserError("berth images is not implemented yet");
  }
}
