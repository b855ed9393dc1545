package dev.berth.cli;

import dev.berth.client.registry.TransportOptions;

/**
 * What commands that talk to a registry share: {@code --insecure} (also for the registries
 * {@code BERTH_INSECURE_REGISTRIES} lists, see {@link ClientFactory}), and what the environment
 * may set ({@code BERTH_CONNECT_TIMEOUT}, {@code BERTH_RESPONSE_TIMEOUT}, {@code BERTH_STALL_TIMEOUT},
 * {@code BERTH_RETRIES}, {@code BERTH_CERTS_DIRS}; see {@link TransportOptions}).
 */
final class TransportArgs {
  static final String INSECURE_DESCRIPTION = "Skip TLS verification, allow plain HTTP to a registry that does not"
      + " speak TLS, and let the registry send content to another server over plain HTTP (redirects, upload locations)";

  private TransportArgs() {}

  /** The options from the environment, and the command's own {@code --insecure}. */
  static TransportOptions options(CliContext context, boolean insecure) {
    try {
      return TransportOptions.fromEnv(context.env()).withInsecure(insecure);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
