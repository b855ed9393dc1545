package dev.berth.cli;

import dev.berth.client.registry.TransportOptions;
import picocli.CommandLine.Option;

/**
 * What commands that talk to a registry share: {@code --insecure}, and the timeouts the
 * environment may set ({@code BERTH_CONNECT_TIMEOUT}, {@code BERTH_RESPONSE_TIMEOUT},
 * {@code BERTH_STALL_TIMEOUT}; see {@link TransportOptions}).
 */
final class TransportArgs {
  @Option(names = "--insecure",
      description = "Let the registry send content to another server over plain HTTP (redirects, upload locations)")
  boolean insecure;

  TransportOptions options(CliContext context) {
    try {
      return TransportOptions.fromEnv(context.env()).withInsecure(insecure);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
