package dev.berth.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A command described in code for picocli: name, description, options and arguments, then the
 * action that runs with what was parsed ({@link Args}).
 *
 * <p>Why not picocli's annotations: reading them makes the JDK generate a proxy class per
 * annotation type, and the first costs the whole annotation machinery's start-up; measured with
 * the AOT cache, that was over half of {@code berth images}' CPU time (about 100 ms of 150). A
 * command described here starts as fast as a Java "hello world". {@code serve}, {@code gc},
 * {@code login} and {@code logout} still use annotations; the tree takes both.
 *
 * <pre>{@code
 * CommandDef.of("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
 *     .argument("SOURCE_IMAGE[:TAG]", "A local image ...")
 *     .argument("TARGET_IMAGE[:TAG]", "The new name ...")
 *     .runs(args -> new TagCommand(context, args).call());
 * }</pre>
 */
final class CommandDef {
  private final CommandSpec spec;
  private final Runner runner;
  private int positionals;

  private CommandDef(CommandSpec spec, Runner runner) {
    this.spec = spec;
    this.runner = runner;
  }

  /** What a command's action reads: the values parsed into its options and arguments. */
  static final class Args {
    private final CommandSpec spec;

    Args(CommandSpec spec) {
      this.spec = spec;
    }

    CommandSpec spec() {
      return spec;
    }

    boolean flag(String name) {
      return Boolean.TRUE.equals(spec.findOption(name).getValue());
    }

    String string(String name) {
      return spec.findOption(name).getValue();
    }

    int integer(String name) {
      Integer v = spec.findOption(name).getValue();
      return v == null ? 0 : v;
    }

    List<String> strings(String name) {
      List<String> v = spec.findOption(name).getValue();
      return v == null ? List.of() : v;
    }

    /** The argument at this index (a repeated one: its list, see {@link #arguments}). */
    String argument(int index) {
      return spec.positionalParameters().get(index).getValue();
    }

    List<String> arguments(int index) {
      List<String> v = spec.positionalParameters().get(index).getValue();
      return v == null ? List.of() : v;
    }
  }

  /** The object picocli runs: the action, given this command's parsed values. */
  private static final class Runner implements Callable<Integer> {
    Function<Args, Integer> action;
    CommandSpec spec;

    @Override
    public Integer call() {
      return action.apply(new Args(spec));
    }
  }

  static CommandDef of(String name, String... description) {
    Runner runner = new Runner();
    CommandSpec spec = CommandSpec.wrapWithoutInspection(runner);
    runner.spec = spec;
    spec.name(name);
    spec.usageMessage().description(description);
    return new CommandDef(spec, runner);
  }

  CommandDef footer(String... lines) {
    spec.usageMessage().footer(lines);
    return this;
  }

  /** {@code -q, --quiet}: true when given. */
  CommandDef flag(String description, String... names) {
    spec.addOption(OptionSpec.builder(names).type(boolean.class).arity("0").description(description).build());
    return this;
  }

  /** A flag that may also be given a value, {@code -H=false}; {@code defaultValue} when absent. */
  CommandDef flagWithValue(String description, boolean defaultValue, String... names) {
    spec.addOption(OptionSpec.builder(names).type(boolean.class).arity("0..1").paramLabel("BOOL")
        .defaultValue(Boolean.toString(defaultValue)).fallbackValue("true").description(description).build());
    return this;
  }

  /** {@code --format FORMAT}. */
  CommandDef option(String label, String description, String... names) {
    spec.addOption(OptionSpec.builder(names).type(String.class).paramLabel(label).description(description).build());
    return this;
  }

  CommandDef intOption(String label, String description, String... names) {
    spec.addOption(OptionSpec.builder(names).type(int.class).paramLabel(label).description(description).build());
    return this;
  }

  /** The same, {@code defaultValue} when absent. */
  CommandDef intOption(String label, String description, int defaultValue, String... names) {
    spec.addOption(OptionSpec.builder(names).type(int.class).paramLabel(label).defaultValue(Integer.toString(defaultValue))
        .description(description).build());
    return this;
  }

  /** An option that may be given several times ({@code --filter a=b --filter c=d}). */
  CommandDef repeatable(String label, String description, String... names) {
    spec.addOption(OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).paramLabel(label)
        .description(description).build());
    return this;
  }

  /** The next argument, required. */
  CommandDef argument(String label, String description) {
    return positional(label, "1", String.class, description);
  }

  /** The next argument, optional. */
  CommandDef optionalArgument(String label, String description) {
    return positional(label, "0..1", String.class, description);
  }

  /** The remaining arguments, at least {@code min}. */
  CommandDef arguments(String label, int min, String description) {
    PositionalParamSpec p = PositionalParamSpec.builder().index(positionals + "..*").arity(min + "..*")
        .required(min > 0).type(List.class).auxiliaryTypes(String.class).paramLabel(label).description(description).build();
    positionals++;
    spec.addPositional(p);
    return this;
  }

  private CommandDef positional(String label, String arity, Class<?> type, String description) {
    spec.addPositional(PositionalParamSpec.builder().index(Integer.toString(positionals)).arity(arity)
        .required(!arity.startsWith("0")).type(type)
        .paramLabel(label).description(description).build());
    positionals++;
    return this;
  }

  /** The finished spec, running {@code action} when the command is chosen. */
  CommandSpec runs(Function<Args, Integer> action) {
    runner.action = action;
    return spec;
  }
}
