package dev.berth.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth install --user}: puts {@code berth} on the PATH by linking the launcher into
 * {@code ~/.local/bin} (the XDG user bin directory most distributions put on PATH), and installs
 * the bash completion where bash-completion looks for a user's scripts. Says so when
 * {@code ~/.local/bin} is not on PATH.
 */
final class InstallCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("install", "Put berth on your PATH (a link in ~/.local/bin) with bash completion")
        .flag("Install for this user: ~/.local/bin/berth and its bash completion", "--user")
        .runs(a -> {
          if (!a.flag("--user")) {
            throw new UserError("only per-user installs are supported: " + context.commandName() + " install --user");
          }
          return new InstallCommand(context, a.spec()).call();
        });
  }

  private final CliContext context;
  private final CommandSpec spec;

  InstallCommand(CliContext context, CommandSpec spec) {
    this.context = context;
    this.spec = spec;
  }

  int call() {
    Path launcher = context.launcher();
    if (launcher == null || !Files.isRegularFile(launcher)) {
      throw new UserError("install links the launcher script, which did not start this process;"
          + " run it as <checkout>/berth install --user");
    }
    Path bin = context.home().resolve(".local/bin");
    Path link = bin.resolve("berth");
    Path completion = context.dataHome().getParent().resolve("bash-completion/completions/berth");
    try {
      if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
        throw new UserError(link + " exists and is not a link; remove it first");
      }
      Files.createDirectories(bin);
      Path pending = bin.resolve(".berth-" + ProcessHandle.current().pid());
      Files.deleteIfExists(pending);
      Files.createSymbolicLink(pending, launcher.toAbsolutePath());
      try {
        Files.move(pending, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(pending, link, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.createDirectories(completion.getParent());
      Path pendingCompletion = completion.resolveSibling(".berth-" + ProcessHandle.current().pid());
      Files.writeString(pendingCompletion, CompletionCommand.script(spec), StandardCharsets.UTF_8);
      Files.move(pendingCompletion, completion, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UserError("cannot install into " + bin + ": " + e.getMessage());
    }
    context.out().println("Linked " + link + " -> " + launcher.toAbsolutePath());
    context.out().println("Bash completion: " + completion + " (new shells load it; zsh: add 'source <(berth completion zsh)' to ~/.zshrc)");
    if (!onPath(bin)) {
      context.out().println("NOTE: " + bin + " is not on your PATH, so 'berth' is not found yet. Add it, e.g.:");
      context.out().println("  echo 'export PATH=\"$HOME/.local/bin:$PATH\"' >> ~/.bashrc && . ~/.bashrc");
    } else {
      context.out().println("Run 'berth' from anywhere now.");
    }
    return 0;
  }

  private boolean onPath(Path bin) {
    String path = context.env("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Path.of(dir).toAbsolutePath().normalize().equals(bin.toAbsolutePath().normalize())) {
        return true;
      }
    }
    return false;
  }
}
