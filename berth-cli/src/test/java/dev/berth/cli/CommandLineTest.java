package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.BerthVersion;
import dev.berth.testkit.Exec;
import dev.berth.testkit.ToolPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line as a docker user meets it: a bare {@code berth}, help, version, and bad command
 * lines worded and exited as the real docker CLI 28 words and exits them (docker runs here without
 * a daemon: these errors are its client's own).
 */
class CommandLineTest {
  @TempDir Path home;
  CliRun berth;

  @BeforeEach
  void setUp() {
    berth = new CliRun(home);
  }

  @Test
  void messagesNameTheCommandAsTheUserRanIt() {
    berth.env.put("BERTH_INVOKED_AS", "./berth");
    CliRun.Result token = berth.run("token");
    assertThat(token.err()).isEqualTo("Error: missing subcommand: create, list, revoke or rotate-key"
        + " (see './berth token --help')\n");
    assertThat(berth.run("user").err()).contains("(see './berth user --help')");
  }

  /** Regression: a bare berth crashed (InitializationException, exit 70) building ServeCommand for the usage. */
  @Test
  void bareBerthPrintsUsageAndSucceeds() {
    CliRun.Result r = berth.run();
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).startsWith("Usage:  berth [OPTIONS] COMMAND\n")
        .contains("Common Commands:\n  pull ", "Management Commands:\n  image ", "Registry Commands:\n  serve ")
        .contains("Global Options:\n  -h, --help", "-v, --version")
        .endsWith("Run 'berth COMMAND --help' for more information on a command.\n")
        .doesNotContain("Exception", "-V");
    // docker's order: usage, description, the command sections, then the global options
    assertThat(r.out().indexOf("Common Commands:")).isLessThan(r.out().indexOf("Management Commands:"));
    assertThat(r.out().indexOf("Management Commands:")).isLessThan(r.out().indexOf("Registry Commands:"));
    assertThat(r.out().indexOf("Registry Commands:")).isLessThan(r.out().indexOf("\nCommands:"));
    assertThat(r.out().indexOf("\nCommands:")).isLessThan(r.out().indexOf("Global Options:"));
    assertThat(berth.run("--help").out()).isEqualTo(r.out());
    assertThat(berth.run("help").out()).isEqualTo(r.out());
  }

  @Test
  void versionFlagIsOneLineAsDockers() {
    CliRun.Result r = berth.run("-v");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo("Berth version " + BerthVersion.VERSION + "\n");
    assertThat(berth.run("--version").out()).isEqualTo(r.out());
    assertThat(BerthVersion.VERSION).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void helpForACommandIsItsUsage() {
    CliRun.Result help = berth.run("help", "push");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).isEqualTo(berth.run("push", "--help").out())
        .startsWith("Usage:  berth push [OPTIONS] NAME[:TAG]\n\nUpload an image to a registry\n")
        .contains("Arguments:\n      NAME[:TAG]   ", "-a, --all-tags", "-q, --quiet");
    assertThat(berth.run("help", "image", "ls").out()).startsWith("Usage:  berth image ls [OPTIONS] [REPOSITORY[:TAG]]\n");
    CliRun.Result unknown = berth.run("help", "frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("berth: unknown command: berth frobnicate\n");
  }

  @Test
  void aGroupAlonePrintsItsCommands() {
    CliRun.Result r = berth.run("image");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("Usage:  berth image COMMAND\n\nManage images in the local store\n\nCommands:\n")
        .contains("  ls, list ", "  rm, remove, rmi ", "  prune ", "  inspect ", "  history ", "  tag ");
  }

  /** Every argument and option of every command says what it is; only the root lists -v. */
  @Test
  void helpDescribesEveryArgumentAndNoSubcommandListsVersion() {
    CommandLine root = new Berth(berth.context()).commandLine();
    List<String> missing = new ArrayList<>();
    List<CommandSpec> all = new ArrayList<>();
    collect(root.getCommandSpec(), all);
    assertThat(all).hasSizeGreaterThan(30);
    for (CommandSpec spec : all) {
      for (ArgSpec arg : spec.args()) {
        String[] description = arg.description();
        if (description.length == 0 || description[0].isBlank()) {
          missing.add(spec.qualifiedName() + " " + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName() : arg.paramLabel()));
        }
      }
      if (spec.parent() != null) {
        assertThat(spec.findOption("-V")).as(spec.qualifiedName()).isNull();
        assertThat(spec.findOption("--version")).as(spec.qualifiedName()).isNull();
        assertThat(spec.findOption("--help")).as(spec.qualifiedName()).isNotNull();
      }
    }
    assertThat(missing).as("arguments and options without a description").isEmpty();
    for (String command : List.of("push", "pull", "tag", "save", "rmi")) {
      assertThat(berth.run(command, "--help").out()).as(command).contains("Arguments:\n");
    }
  }

  @Test
  void messagesNameTheCommandAsTheUserTypedIt() {
    berth.env.put("BERTH_INVOKED_AS", "./berth");
    CliRun.Result r = berth.run("frobnicate");
    assertThat(r.err()).isEqualTo("./berth: unknown command: ./berth frobnicate\n\nRun './berth --help' for more information\n");
    assertThat(berth.run().out()).startsWith("Usage:  ./berth [OPTIONS] COMMAND\n");
    assertThat(berth.run("push", "--help").out()).startsWith("Usage:  ./berth push [OPTIONS] NAME[:TAG]\n");
  }

  // ---- bad command lines, side by side with the real docker CLI ----

  /** docker's words with "docker" read as "berth", and docker's exit code. */
  @Test
  void unknownCommandAsDocker() {
    assertSameAsDocker(List.of("frobnicate"), 1);
  }

  @Test
  void unknownCommandInAGroupAsDocker() {
    assertSameAsDocker(List.of("image", "frob"), 1);
  }

  @Test
  void unknownFlagAsDocker() {
    assertSameAsDocker(List.of("push", "--x"), 125);
    assertSameAsDocker(List.of("images", "--x"), 125);
    assertSameAsDocker(List.of("tag", "--nope", "a", "b"), 125);
    assertSameAsDocker(List.of("--nope"), 125); // the root's use line in an error is docker's whole one
  }

  @Test
  void unknownShorthandFlagAsDocker() {
    assertSameAsDocker(List.of("images", "-x"), 125);
  }

  @Test
  void flagWithoutItsValueAsDocker() {
    assertSameAsDocker(List.of("images", "--format"), 125);
    assertSameAsDocker(List.of("images", "-f"), 125); // a short flag by its letter: 'f' in -f
  }

  @Test
  void wrongNumberOfArgumentsAsDocker() {
    assertSameAsDocker(List.of("push"), 1);
    assertSameAsDocker(List.of("pull"), 1);
    assertSameAsDocker(List.of("tag", "a"), 1);
    assertSameAsDocker(List.of("push", "a", "b"), 1);
    assertSameAsDocker(List.of("history"), 1);
    // at least N: docker says "See" there, not "Run"
    assertSameAsDocker(List.of("rmi"), 1);
    assertSameAsDocker(List.of("save"), 1);
    assertSameAsDocker(List.of("image", "rm"), 1);
  }

  private void assertSameAsDocker(List<String> args, int expectedExit) {
    String path = ToolPath.create(home.resolve("bin"), Map.of("docker", "docker-ce-cli")).path();
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(args);
    Exec.Result docker = Exec.command(command)
        .env(Map.of("PATH", path, "HOME", home.toString(), "DOCKER_CONFIG", home.resolve("docker").toString(),
            "DOCKER_HOST", "unix://" + home.resolve("no-daemon.sock")))
        .run();
    CliRun.Result ours = berth.run(args.toArray(String[]::new));
    String expected = docker.stderr().replace("docker", "berth");
    assertThat(docker.exitCode()).as("docker " + args + ": " + docker).isEqualTo(expectedExit);
    assertThat(ours.exitCode()).as("berth " + args + ": " + ours.err()).isEqualTo(expectedExit);
    assertThat(ours.out()).isEmpty();
    // docker's use lines list its own flags ([OPTIONS] for a command that has any): ours do too
    assertThat(ours.err()).as("berth " + args).isEqualTo(expected);
  }

  private static void collect(CommandSpec spec, List<CommandSpec> into) {
    into.add(spec);
    spec.subcommands().values().stream().distinct().forEach(c -> collect(c.getCommandSpec(), into));
  }
}
