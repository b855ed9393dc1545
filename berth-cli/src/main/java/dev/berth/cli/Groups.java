package dev.berth.cli;

import picocli.CommandLine.Model.CommandSpec;

/** The management groups ({@code berth image …}, {@code manifest}, {@code system}): alone, they print their usage. */
final class Groups {
  private Groups() {}

  static CommandSpec image(CliContext context) {
    return group(context, "image", "Manage images in the local store");
  }

  static CommandSpec manifest(CliContext context) {
    return group(context, "manifest", "Inspect image manifests and manifest lists in a registry");
  }

  static CommandSpec system(CliContext context) {
    return group(context, "system", "Manage Berth's local data");
  }

  private static CommandSpec group(CliContext context, String name, String description) {
    return CommandDef.of(name, description).runs(a -> {
      a.spec().commandLine().usage(context.out());
      return 0;
    });
  }
}
