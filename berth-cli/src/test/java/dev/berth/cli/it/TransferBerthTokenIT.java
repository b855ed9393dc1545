package dev.berth.cli.it;

import java.nio.file.Path;

/** {@link TransferProof} against {@code berth serve} in its default mode: token auth. */
class TransferBerthTokenIT extends TransferProof {
  BerthServe server;

  @Override
  String startRegistry(Path dir) {
    server = BerthServe.start(new BerthCli(dir.resolve("home")), dir.resolve("storage"),
        TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD));
    return server.host();
  }

  @Override
  void stopRegistry() {
    if (server != null) {
      server.close();
    }
  }
}
