package dev.berth.cli;

import dev.berth.client.image.Platform;
import dev.berth.client.transfer.TransferOptions;

/**
 * What push, pull and copy share: how many blobs move at once, and (pull and copy) which
 * platforms of a multi-platform image they take. Options of {@link CommandDef} commands.
 */
final class TransferArgs {
  private static final String CONCURRENCY = "--concurrency";
  private static final String PLATFORM = "--platform";
  private static final String ALL_PLATFORMS = "--all-platforms";

  private TransferArgs() {}

  /** {@code --concurrency N}. */
  static CommandDef concurrency(CommandDef def) {
    return def.intOption("N", "Blobs transferred at once (default: " + TransferOptions.DEFAULT_CONCURRENCY
        + ", as docker; at most " + TransferOptions.MAX_CONCURRENCY + ")", TransferOptions.DEFAULT_CONCURRENCY, CONCURRENCY);
  }

  /** {@code --platform os/arch[/variant]} and {@code --all-platforms}. */
  static CommandDef platforms(CommandDef def) {
    return def
        .option("os/arch[/variant]", "The platform to take from a multi-platform image (default: this machine's)", PLATFORM)
        .flag("Take every platform of a multi-platform image (the whole index)", ALL_PLATFORMS);
  }

  /** The options of a command with {@link #concurrency} only (push). */
  static TransferOptions options(CommandDef.Args a) {
    return options(a.integer(CONCURRENCY), null, false);
  }

  /** The options of a command with {@link #concurrency} and {@link #platforms} (pull, copy). */
  static TransferOptions withPlatforms(CommandDef.Args a) {
    return options(a.integer(CONCURRENCY), a.string(PLATFORM), a.flag(ALL_PLATFORMS));
  }

  /** @throws UserError naming the bad value */
  static TransferOptions options(int concurrency, String platform, boolean allPlatforms) {
    if (platform != null && allPlatforms) {
      throw new UserError(PLATFORM + " and " + ALL_PLATFORMS + " cannot be used together");
    }
    try {
      TransferOptions o = TransferOptions.defaults().withConcurrency(concurrency).withAllPlatforms(allPlatforms);
      return platform == null ? o : o.withPlatform(Platform.parse(platform));
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
