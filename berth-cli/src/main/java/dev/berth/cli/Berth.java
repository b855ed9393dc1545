package dev.berth.cli;

import dev.berth.client.HttpClients;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The real entry point: takes its streams and environment, returns an exit code, so tests call it
 * directly and assert the exact text. User errors print one line; only bugs print a stack trace.
 * The command tree is {@link CommandTree}; docker's wording for bad command lines is
 * {@link CommandLineErrors}. The HTTP clients a command made are shut down when it is done.
 */
public final class Berth {
  private final CliContext context;

  public Berth(CliContext context) {
    this.context = context;
  }

  public static Berth fromSystem() {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
    return new Berth(new CliContext(out, err, System.in, System.getenv(), System.console()));
  }

  public CliContext context() {
    return context;
  }

  /** The whole command tree, as {@link #run} would use it (tests inspect it). */
  public CommandLine commandLine() {
    return configure(CommandTree.build(context));
  }

  public int run(String... args) {
    try {
      if (args.length > 0 && args[0].equals("login")) {
        LoginCommand.beforeParsing(context, args);
      }
      // only the commands on the way to the one named are built: see CommandTree
      return configure(CommandTree.build(context, args, false)).execute(args);
    } finally {
      // the command is done with its HTTP clients: their threads would hold the JVM's exit (see HttpClients)
      HttpClients.shutdownAll();
    }
  }

  private CommandLine configure(CommandLine cl) {
    cl.setOut(new PrintWriter(context.out(), true));
    cl.setErr(new PrintWriter(context.err(), true));
    cl.setOverwrittenOptionsAllowed(true); // as docker: a repeated flag's last value wins
    cl.setParameterExceptionHandler((ex, args) -> CommandLineErrors.report(ex, args, context.err()));
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof UserError ue) {
        context.err().println("Error: " + ue.getMessage());
        return ue.exitCode();
      }
      context.err().println("Error: unexpected failure: " + ex);
      ex.printStackTrace(context.err());
      return 70;
    });
    return cl;
  }
}
