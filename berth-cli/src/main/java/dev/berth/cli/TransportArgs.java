package dev.berth.cli;

import dev.berth.client.registry.TransportOptions;
import picocli.CommandLine.Option;

/**
 * What commands that talk to a registry share: {@code --insecure}, and the timeouts the
 * environment may set ({@code BERTH_CONNECT_TIMEOUT}, {@code BERTH_RESPONSE_TIMEOUT},
 * {@code BERTH_STALL_TIMEOUT}; see {@link TransportOptions}).
 */
final class TransportArgs {
  static final String INSECURE_DESCRIPTION =
      "Let the registry send content to another server over plain HTTP (redirects, upload locations)";

  @Option(names = "--insecure", description = INSECURE_DESCRIPTION)
  boolean insecure;

  TransportOptions options(CliContext context) {
    return options(context, insecure);
  }

  /** For commands described in code ({@link CommandDef}): the same, from their own --insecure. */
  static TransportOptions options(CliContext context, boolean insecure) {
    try {
      return TransportOptions.fromEnv(context.env()).withInsecure(insecure);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
