package dev.berth.client.transfer;

import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RetryPolicy;

/** Announces the retried calls that are not a blob's (manifests, upload sessions) as lines of their own. */
final class RetryNotices {
  private RetryNotices() {}

  static void announce(RegistryClient client, TransferListener listener) {
    client.onRetry((wait, cause) -> listener.line(RetryPolicy.retrying(wait) + " (" + cause.getMessage() + ")"));
  }
}
