package dev.berth.cli;

import dev.berth.model.BerthVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Every command of {@code berth} ({@link #TREE}), where it sits, and how {@code berth --help}
 * groups them, as docker groups its own: the commands a docker user reaches for first, the
 * management groups ({@code image}, {@code manifest}, {@code system}), then the rest. A command
 * may appear twice ({@code images} and {@code image ls}), each with its own spec. Only the path to
 * the command named on the command line is built; help, completion and errors get the whole tree.
 * Every command shows docker's use line ({@code Usage:  berth push [OPTIONS] NAME[:TAG]}).
 */
final class CommandTree {
  private static final Map<String, List<String>> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put("Common Commands:", List.of("pull", "push", "images", "login", "logout", "search", "version"));
    SECTIONS.put("Management Commands:", List.of("image", "manifest", "system", "credentials", "helper"));
    SECTIONS.put("Registry Commands:", List.of("serve", "gc", "user", "token", "trust"));
    SECTIONS.put("Commands:", List.of("completion", "copy", "help", "history", "inspect", "install", "load", "rmi",
        "save", "tag", "tags", "whoami"));
  }

  /** docker's order for a group: usage, description, its commands, then options. */
  private static final List<String> GROUP_SECTIONS = List.of(
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION_HEADING,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
      CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER);

  private CommandTree() {}

  /**
   * One command: its name, how to make it (a {@link CommandDef} spec, or an annotated class for
   * picocli to read), its aliases, and for a group its commands.
   */
  private record Entry(String name, Function<CliContext, Object> make, List<String> aliases, List<Entry> children) {
    boolean named(String word) {
      return name.equals(word) || aliases.contains(word);
    }

    boolean isGroup() {
      return !children.isEmpty();
    }
  }

  private static Entry leaf(String name, Function<CliContext, Object> make, String... aliases) {
    return new Entry(name, make, List.of(aliases), List.of());
  }

  private static Entry annotated(String name, Class<?> command) {
    return new Entry(name, context -> command, List.of(), List.of());
  }

  private static Entry group(String name, Function<CliContext, Object> make, Entry... children) {
    return new Entry(name, make, List.of(), List.of(children));
  }

  private static final List<Entry> TREE = List.of(
      annotated("serve", ServeCommand.class),
      annotated("gc", GcCommand.class),
      annotated("trust", TrustCommand.class),
      annotated("user", UserCommand.class),
      annotated("token", TokenCommand.class),
      leaf("login", LoginCommand::spec),
      leaf("logout", LogoutCommand::spec),
      annotated("whoami", WhoamiCommand.class),
      annotated("credentials", CredentialsCommand.class),
      annotated("helper", HelperCommand.class),
      leaf("pull", PullCommand::spec),
      leaf("push", PushCommand::spec),
      leaf("copy", CopyCommand::spec),
      leaf("tags", TagsCommand::spec),
      leaf("images", ImagesCommand::spec),
      leaf("search", SearchCommand::spec),
      leaf("version", VersionCommand::spec),
      leaf("load", LoadCommand::spec),
      leaf("save", SaveCommand::spec),
      leaf("tag", TagCommand::spec),
      leaf("rmi", RmiCommand::spec),
      leaf("inspect", InspectCommand::spec),
      leaf("history", HistoryCommand::spec),
      leaf("completion", CompletionCommand::spec),
      leaf("install", InstallCommand::spec),
      leaf("help", HelpCommand::spec),
      group("image", Groups::image,
          leaf("history", HistoryCommand::spec),
          leaf("inspect", InspectCommand::spec),
          leaf("load", LoadCommand::spec),
          leaf("ls", ImagesCommand::spec, "list"),
          leaf("prune", PruneCommand::spec),
          leaf("pull", PullCommand::spec),
          leaf("push", PushCommand::spec),
          leaf("rm", RmiCommand::spec, "remove", "rmi"),
          leaf("save", SaveCommand::spec),
          leaf("tag", TagCommand::spec)),
      group("manifest", Groups::manifest,
          leaf("inspect", ManifestInspectCommand::spec)),
      group("system", Groups::system,
          leaf("df", SystemDfCommand::spec)));

  /** Commands that need the whole tree: help texts and the completion script list every command. */
  private static final List<String> NEED_ALL = List.of("help", "completion", "install");

  /** The whole tree. */
  static CommandLine build(CliContext context) {
    return build(context, new String[0], true);
  }

  /**
   * The tree for these arguments: when they name a command, only the path to it is built; a bare
   * {@code berth}, an option first, an unknown word or a command that lists the others get the
   * whole tree. (Building costs little since commands are {@link CommandDef}s, but annotated ones
   * are read only when used.)
   */
  static CommandLine build(CliContext context, String[] args, boolean all) {
    CommandLine.IFactory factory = new ContextFactory(context);
    CommandLine cl = new CommandLine(root(context), factory);
    cl.setCommandName(context.commandName());
    CommandSpec rootSpec = cl.getCommandSpec();
    rootSpec.usageMessage().synopsisHeading("Usage:  ");
    rootSpec.usageMessage().customSynopsis(context.commandName().replace("%", "%%") + " [OPTIONS] COMMAND");
    rootSpec.usageMessage().descriptionHeading("%n");
    rootSpec.usageMessage().optionListHeading("%nGlobal Options:%n");
    String first = args.length > 0 ? args[0] : null;
    Entry chosen = all || first == null || NEED_ALL.contains(first) ? null
        : TREE.stream().filter(e -> e.named(first)).findFirst().orElse(null);
    for (Entry entry : TREE) {
      if (chosen == null || entry == chosen) {
        CommandLine sub = add(cl, entry, context);
        String second = args.length > 1 && chosen != null ? args[1] : null;
        Entry child = second == null ? null
            : entry.children().stream().filter(e -> e.named(second)).findFirst().orElse(null);
        for (Entry c : entry.children()) {
          if (child == null || c == child) {
            add(sub, c, context);
          }
        }
      }
    }
    // docker's order: usage, description, the commands, then the global options
    rootSpec.usageMessage().sectionKeys(List.of(
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION_HEADING,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER));
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandTree::commandList);
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING, help -> "");
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> String.format(
        "%nRun '%s COMMAND --help' for more information on a command.%n", help.commandSpec().qualifiedName()));
    return cl;
  }

  private static CommandLine add(CommandLine parent, Entry entry, CliContext context) {
    CommandLine sub = new CommandLine(entry.make().apply(context), parent.getFactory());
    sub.getCommandSpec().name(entry.name());
    parent.addSubcommand(entry.name(), sub, entry.aliases().toArray(String[]::new));
    // an annotated group (user, token, …) brings its own commands
    boolean group = entry.isGroup() || !sub.getSubcommands().isEmpty();
    style(sub.getCommandSpec(), group);
    if (!entry.isGroup()) {
      for (CommandLine nested : sub.getSubcommands().values()) {
        style(nested.getCommandSpec(), !nested.getSubcommands().isEmpty());
      }
    }
    return sub;
  }

  /** docker's help layout: its use line, an Arguments and an Options section, a group's Commands. */
  private static void style(CommandSpec spec, boolean group) {
    spec.usageMessage().synopsisHeading("Usage:  ");
    spec.usageMessage().customSynopsis(useLine(spec, group).replace("%", "%%"));
    spec.usageMessage().descriptionHeading("%n");
    spec.usageMessage().parameterListHeading("%nArguments:%n");
    spec.usageMessage().optionListHeading("%nOptions:%n");
    if (group) {
      spec.usageMessage().commandListHeading("%nCommands:%n");
      spec.usageMessage().sectionKeys(GROUP_SECTIONS);
      spec.usageMessage().footer("%nRun '" + spec.qualifiedName().replace("%", "%%") + " COMMAND --help' for more information on a command.");
    }
  }

  /** The root: {@code -h} (every command inherits it), {@code -v}, and alone its usage. */
  private static CommandSpec root(CliContext context) {
    CommandSpec spec = CommandDef.of("berth",
            "An authenticated container registry, and a daemonless client with docker's commands and files.")
        .runs(a -> {
          a.spec().commandLine().usage(context.out());
          return 0;
        });
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).scopeType(CommandLine.ScopeType.INHERIT)
        .description("Show this help and exit").build());
    spec.addOption(OptionSpec.builder("-v", "--version").versionHelp(true)
        .description("Print version information and quit").build());
    // asked for only by -v: reading the version resource opens and indexes the jar, which a command
    // started from the AOT cache may otherwise never do
    spec.versionProvider(() -> new String[] {"Berth version " + BerthVersion.VERSION});
    return spec;
  }

  /**
   * docker's use line: {@code berth push [OPTIONS] NAME[:TAG]}; optional arguments in brackets,
   * repeatable ones as {@code IMAGE [IMAGE...]}; a group is {@code berth image COMMAND}.
   */
  static String useLine(CommandSpec spec, boolean group) {
    StringBuilder b = new StringBuilder(spec.qualifiedName());
    if (group) {
      return b.append(" COMMAND").toString();
    }
    boolean hasOptions = spec.options().stream().anyMatch(o -> !o.usageHelp() && !o.versionHelp() && !o.hidden());
    if (hasOptions) {
      b.append(" [OPTIONS]");
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.hidden()) {
        continue;
      }
      String label = p.paramLabel();
      boolean optional = p.arity().min() == 0;
      boolean repeated = p.arity().isVariable() || p.arity().max() > 1;
      String one = optional ? "[" + label + "]" : label;
      b.append(' ').append(one);
      if (repeated) {
        b.append(" [").append(label).append("...]");
      }
    }
    return b.toString();
  }

  /** The root's command list in docker's sections. */
  private static String commandList(CommandLine.Help help) {
    Map<String, CommandLine.Help> subs = help.subcommands();
    StringBuilder b = new StringBuilder();
    List<String> listed = new ArrayList<>();
    for (Map.Entry<String, List<String>> section : SECTIONS.entrySet()) {
      b.append(String.format("%n%s%n", section.getKey()));
      for (String name : section.getValue()) {
        CommandLine.Help sub = subs.get(name);
        if (sub != null) {
          listed.add(name);
          b.append(line(name, sub));
        }
      }
    }
    List<String> rest = new ArrayList<>(subs.keySet());
    rest.removeAll(listed);
    rest.removeIf(n -> subs.get(n).commandSpec().usageMessage().hidden() || !n.equals(subs.get(n).commandSpec().name()));
    if (!rest.isEmpty()) {
      b.append(String.format("%nOther Commands:%n"));
      rest.forEach(n -> b.append(line(n, subs.get(n))));
    }
    return b.toString();
  }

  /** {@code  name        description}, the description wrapped at 80 columns under itself. */
  private static String line(String name, CommandLine.Help help) {
    String[] description = help.commandSpec().usageMessage().description();
    String first = description.length == 0 ? "" : description[0].replaceAll("\\.$", "");
    StringBuilder b = new StringBuilder(String.format("  %-12s", name));
    int column = b.length();
    for (String word : first.split(" ")) {
      if (column > 14 && column + 1 + word.length() > 80) {
        b.append(String.format("%n%14s", ""));
        column = 14;
      } else if (column > 14) {
        b.append(' ');
        column++;
      }
      b.append(word);
      column += word.length();
    }
    return b.append(String.format("%n")).toString();
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
