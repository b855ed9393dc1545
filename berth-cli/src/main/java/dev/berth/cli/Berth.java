package dev.berth.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The real entry point: takes its streams and environment, returns an exit code, so tests call it
 * directly and assert the exact text. User errors print one line; only bugs print a stack trace.
 */
@Command(
    name = "berth",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand answers --help
    version = "berth 0.1.0",
    description = "An authenticated container registry and a daemonless client that speaks docker's files.",
    subcommands = {
      ServeCommand.class,
      GcCommand.class,
      TrustCommand.class,
      UserCommand.class,
      TokenCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      LoadCommand.class,
      ImagesCommand.class,
      TagCommand.class,
      PushCommand.class,
      PullCommand.class,
      CopyCommand.class,
      InspectCommand.class,
      TagsCommand.class,
      SaveCommand.class,
      RmiCommand.class,
      WhoamiCommand.class,
      CredentialsCommand.class,
      HelperCommand.class,
    })
public final class Berth implements Callable<Integer> {
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

  public int run(String... args) {
    CommandLine cl = new CommandLine(this, new ContextFactory(context));
    cl.setOut(new PrintWriter(context.out(), true));
    cl.setErr(new PrintWriter(context.err(), true));
    cl.setParameterExceptionHandler((ex, a) -> {
      context.err().println("Error: " + ex.getMessage());
      context.err().println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof UserError ue) {
        context.err().println("Error: " + ue.getMessage());
        return ue.exitCode();
      }
      context.err().println("Error: unexpected failure: " + ex);
      ex.printStackTrace(context.err());
      return 70;
    });
    try {
      return cl.execute(args);
    } finally {
      ClientFactory.shutDown();
    }
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(context.out());
    return 0;
  }

  /** Builds commands that take a {@link CliContext} in their constructor. */
  private record ContextFactory(CliContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return cls.getConstructor(CliContext.class).newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
