package dev.berth.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A command line that does not parse, worded and exited as docker 28 does:
 * <ul>
 *   <li>an unknown command: {@code berth: unknown command: berth frobnicate} + "Run 'berth --help'
 *       for more information", exit 1;</li>
 *   <li>a flag error (unknown flag, missing or bad value): {@code unknown flag: --x}, the use line,
 *       "Run 'berth push --help' for more information", exit 125;</li>
 *   <li>a wrong number of arguments: {@code berth: 'berth push' requires 1 argument}, the use line,
 *       "Run 'berth push --help' …" ("See 'berth rmi --help' …" when at least N are needed), exit 1.</li>
 * </ul>
 */
final class CommandLineErrors {
  static final int FLAG_ERROR = 125;

  private CommandLineErrors() {}

  static int report(CommandLine.ParameterException ex, String[] args, PrintStream err) {
    CommandLine cl = ex.getCommandLine();
    CommandSpec spec = cl.getCommandSpec();
    String path = spec.qualifiedName();
    String bin = spec.root().name();
    String runHelp = "Run '" + path + " --help' for more information";
    // docker's root use line in an error is cobra's whole Use (its --help shows a shorter one)
    String usage = "Usage:  " + (spec.parent() == null ? bin + " [OPTIONS] COMMAND [ARG...]"
        : CommandTree.useLine(spec, !spec.subcommands().isEmpty()));
    // an unknown flag wins over what it caused (a missing argument, when it was taken for one)
    for (String unmatched : cl.getUnmatchedArguments()) {
      if (unmatched.startsWith("-") && !unmatched.equals("-")) {
        err.print(unknownFlag(unmatched, spec) + "\n\n" + usage + "\n\n" + runHelp + "\n");
        return FLAG_ERROR;
      }
    }
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      String first = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().getFirst();
      if (first.startsWith("-") && !first.equals("-")) {
        err.print(unknownFlag(first, spec) + "\n\n" + usage + "\n\n" + runHelp + "\n");
        return FLAG_ERROR;
      }
      if (!spec.subcommands().isEmpty()) {
        // docker's group use line here is the bare path ("Usage:  docker image")
        String usageBlock = spec.parent() == null ? "" : "Usage:  " + path + "\n\n";
        err.print(bin + ": unknown command: " + path + " " + first + "\n\n" + usageBlock + runHelp + "\n");
        return 1;
      }
      err.print(wrongArgumentCount(spec, bin, path, usage));
      return 1;
    }
    if (ex instanceof CommandLine.MissingParameterException m) {
      for (ArgSpec arg : m.getMissing()) {
        if (arg instanceof OptionSpec o && !ex.getMessage().startsWith("Missing required option")) {
          err.print("flag needs an argument: " + typedName(o, args) + "\n\n" + usage + "\n\n" + runHelp + "\n");
          return FLAG_ERROR;
        }
      }
      boolean positional = m.getMissing().stream().anyMatch(a -> a instanceof PositionalParamSpec);
      if (positional) {
        err.print(wrongArgumentCount(spec, bin, path, usage));
        return 1;
      }
    }
    ArgSpec arg = ex.getArgSpec();
    if (arg instanceof OptionSpec o && ex.getValue() != null) {
      err.print("invalid argument \"" + ex.getValue() + "\" for \"" + o.longestName() + "\" flag: "
          + reason(ex.getMessage()) + "\n\n" + usage + "\n\n" + runHelp + "\n");
      return FLAG_ERROR;
    }
    err.print(ex.getMessage() + "\n\n" + usage + "\n\n" + runHelp + "\n");
    return FLAG_ERROR;
  }

  /**
   * A wrong number of arguments: what the command takes, the use line, and docker's last line,
   * which cobra words "See '… --help'" for a command that takes at least N arguments (rmi, save,
   * inspect) and "Run '… --help'" for exact and at-most counts (push, tag).
   */
  private static String wrongArgumentCount(CommandSpec spec, String bin, String path, String usage) {
    String takes = arity(spec);
    String verb = takes.startsWith("requires at least") ? "See '" : "Run '";
    return bin + ": '" + path + "' " + takes + "\n\n" + usage + "\n\n" + verb + path + " --help' for more information\n";
  }

  /**
   * How docker names a flag that lacks its value: by the form typed, a short one by its letter
   * ({@code 'f' in -f}), a long one as is ({@code --filter}).
   */
  private static String typedName(OptionSpec o, String[] args) {
    for (int i = args.length - 1; i >= 0; i--) {
      String a = args[i];
      if (a.startsWith("-") && !a.startsWith("--") && a.length() >= 2) {
        char letter = a.charAt(a.length() - 1);
        for (String name : o.names()) {
          if (name.length() == 2 && name.charAt(0) == '-' && name.charAt(1) == letter) {
            return "'" + letter + "' in " + a;
          }
        }
      }
      if (java.util.Arrays.asList(o.names()).contains(a)) {
        return o.longestName();
      }
    }
    return o.longestName();
  }

  /** docker names a bad short flag by its letter: {@code unknown shorthand flag: 'x' in -x}. */
  private static String unknownFlag(String arg, CommandSpec spec) {
    String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
    if (name.startsWith("--")) {
      return "unknown flag: " + name;
    }
    for (int i = 1; i < name.length(); i++) {
      if (spec.findOption("-" + name.charAt(i)) == null) {
        return "unknown shorthand flag: '" + name.charAt(i) + "' in " + name;
      }
    }
    return "unknown flag: " + name;
  }

  /** {@code requires 1 argument}, {@code requires at least 1 argument}, {@code accepts no arguments}. */
  static String arity(CommandSpec spec) {
    int min = 0;
    int max = 0;
    boolean unbounded = false;
    for (PositionalParamSpec p : spec.positionalParameters()) {
      min += p.arity().min();
      if (p.arity().isUnspecified() || p.arity().isVariable()) {
        unbounded |= p.arity().isVariable();
        max += p.arity().isVariable() ? 0 : p.arity().max();
      } else {
        max += p.arity().max();
      }
    }
    if (min == 0 && max == 0 && !unbounded) {
      return "accepts no arguments";
    }
    if (unbounded) {
      return "requires at least " + min + " " + plural(min);
    }
    if (min == max) {
      return "requires " + min + " " + plural(min);
    }
    if (min == 0) {
      return "requires at most " + max + " " + plural(max);
    }
    return "requires at least " + min + " and at most " + max + " " + plural(max);
  }

  private static String plural(int n) {
    return n == 1 ? "argument" : "arguments";
  }

  private static String reason(String message) {
    int colon = message.lastIndexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
