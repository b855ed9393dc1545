package dev.berth.cli;

import dev.berth.client.registry.TransportOptions;
import picocli.CommandLine.Option;

/**
 * What commands that talk to a registry share: {@code --insecure} (also for the registries
 * {@code BERTH_INSECURE_REGISTRIES} lists), and what the environment may set
 * ({@code BERTH_CONNECT_TIMEOUT}, {@code BERTH_RESPONSE_TIMEOUT}, {@code BERTH_STALL_TIMEOUT},
 * {@code BERTH_RETRIES}, {@code BERTH_CERTS_DIRS}; see {@link TransportOptions}).
 */
final class TransportArgs {
  @Option(names = "--insecure",
      description = "Skip TLS verification, allow plain HTTP to a registry that does not speak TLS, and let the registry"
          + " send content to another server over plain HTTP (redirects, upload locations)")
  boolean insecure;

  TransportOptions options(CliContext context) {
    try {
      return TransportOptions.fromEnv(context.env()).withInsecure(insecure);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
