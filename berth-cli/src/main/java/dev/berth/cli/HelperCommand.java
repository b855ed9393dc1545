package dev.berth.cli;

import dev.berth.credentials.install.HelperInstaller;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code berth helper install}: puts {@code docker-credential-berth} on the user's PATH. */
@Command(
    name = "helper",
    description = "Manage docker-credential-berth, the credential helper docker, skopeo, podman and Jib use to read Berth's encrypted store.",
    subcommands = {HelperCommand.Install.class})
final class HelperCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  public HelperCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(context.out());
    return 0;
  }

  @Command(
      name = "install",
      description = {"Install docker-credential-berth in a directory on PATH (default ~/.local/bin).",
          "The helper runs on this JDK, with an AOT cache trained now (JDK 25 and newer)."})
  static final class Install implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the program (default: ~/.local/bin).")
    Path dir;

    @Option(names = "--no-aot-cache", description = "Skip training the AOT cache (the helper then starts slower).")
    boolean noCache;

    public Install(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path bin = dir != null ? dir : HelperInstaller.defaultBinDir(context.env());
      HelperInstaller installer = HelperSetup.installer(context, bin);
      boolean cached;
      try {
        cached = installer.install(!noCache);
      } catch (IOException e) {
        throw new UserError("cannot install " + HelperInstaller.PROGRAM + " in " + bin + ": " + e.getMessage());
      }
      context.out().println("Installed " + installer.launcher() + (cached ? " (with an AOT cache)" : ""));
      if (!HelperSetup.onPath(context, installer.launcher().getParent())) {
        context.err().println("WARNING: " + installer.launcher().getParent() + " is not on your PATH: docker, skopeo"
            + " and podman will not find the helper until it is.");
      }
      return 0;
    }
  }
}
