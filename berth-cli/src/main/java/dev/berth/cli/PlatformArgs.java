package dev.berth.cli;

import picocli.CommandLine.Option;

/** Which platforms of a multi-platform image pull and copy take. */
final class PlatformArgs {
  @Option(names = "--platform", paramLabel = "os/arch[/variant]",
      description = "The platform to take from a multi-platform image (default: this machine's)")
  String platform;

  @Option(names = {"-a", "--all-platforms"}, description = "Take every platform of a multi-platform image (the whole index)")
  boolean allPlatforms;

  void check() {
    if (platform != null && allPlatforms) {
      throw new UserError("--platform and --all-platforms cannot be used together");
    }
  }
}
