package dev.berth.cli.it;

import dev.berth.testkit.DistributionRegistry;
import java.nio.file.Path;

/**
 * {@link TransferProof} against Debian's distribution with token auth: it trusts the tokens of a
 * {@code berth serve} (its token service, as docker's token-auth protocol has it).
 */
class TransferDistributionTokenIT extends TransferProof {
  BerthServe tokens;
  DistributionRegistry registry;

  @Override
  String startRegistry(Path dir) {
    tokens = BerthServe.start(new BerthCli(dir.resolve("home")), dir.resolve("storage"),
        TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD));
    registry = DistributionRegistry.builder().workDir(dir.resolve("distribution"))
        .tokenAuth("http://" + tokens.host() + "/token", "berth", "berth", dir.resolve("storage/auth/token-signing.pem"))
        .start();
    return registry.host();
  }

  @Override
  void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
    if (tokens != null) {
      tokens.close();
    }
  }
}
