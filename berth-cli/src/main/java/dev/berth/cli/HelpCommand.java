package dev.berth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth help [COMMAND...]}: the same text as {@code berth [COMMAND...] --help}. */
final class HelpCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("help", "Show help for berth or one of its commands")
        .arguments("COMMAND", 0, "A command, e.g. 'push' or 'image ls'")
        .runs(a -> {
          CommandLine target = a.spec().root().commandLine();
          for (String name : a.arguments(0)) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
              String path = target.getCommandSpec().qualifiedName();
              context.err().print(target.getCommandSpec().root().name() + ": unknown command: " + path + " " + name
                  + "\n\nRun '" + path + " --help' for more information\n");
              return 1;
            }
            target = sub;
          }
          target.usage(context.out());
          return 0;
        });
  }

  private HelpCommand() {}
}
