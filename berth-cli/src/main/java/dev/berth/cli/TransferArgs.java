package dev.berth.cli;

import dev.berth.client.image.Platform;
import dev.berth.client.transfer.TransferOptions;
import picocli.CommandLine.Option;

/** What push, pull and copy share: how many blobs move at once, and how much they print. */
final class TransferArgs {
  @Option(names = "--concurrency", paramLabel = "N",
      description = "Blobs transferred at once (default: ${DEFAULT-VALUE}, as docker)")
  int concurrency = TransferOptions.DEFAULT_CONCURRENCY;

  @Option(names = {"-q", "--quiet"}, description = "Suppress verbose output")
  boolean quiet;

  TransferOptions options() {
    return options(null, false);
  }

  TransferOptions options(String platform, boolean allPlatforms) {
    try {
      TransferOptions o = TransferOptions.defaults().withConcurrency(concurrency).withAllPlatforms(allPlatforms);
      return platform == null ? o : o.withPlatform(Platform.parse(platform));
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
