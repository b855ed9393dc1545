package dev.berth.cli.it;

import dev.berth.testkit.DistributionRegistry;
import java.nio.file.Path;

/** {@link TransferProof} against Debian's distribution with htpasswd (Basic) auth. */
class TransferDistributionBasicIT extends TransferProof {
  DistributionRegistry registry;

  @Override
  String startRegistry(Path dir) throws Exception {
    registry = TestPeers.distribution(dir, USER, PASSWORD);
    return registry.host();
  }

  @Override
  void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }
}
