package dev.berth.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth completion bash|zsh}: the completion script picocli generates from the command tree
 * (every command, flag and option value it knows). The same script serves zsh through
 * bashcompinit, which it loads itself.
 */
final class CompletionCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("completion", "Print the shell completion script for bash or zsh")
        .argument("SHELL", "bash or zsh")
        .footer("", "Load it now:      source <(berth completion bash)",
            "Load it for good: berth install --user (bash), or add 'source <(berth completion zsh)' to ~/.zshrc")
        .runs(a -> {
          String shell = a.argument(0);
          if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new UserError("unsupported shell: " + shell + " (expected bash or zsh)");
          }
          context.out().print(script(a.spec()));
          return 0;
        });
  }

  /** The script for the tree {@code spec} belongs to, completing the command {@code berth}. */
  static String script(CommandSpec spec) {
    return AutoComplete.bash("berth", spec.root().commandLine());
  }

  private CompletionCommand() {}
}
