package dev.berth.cli.it;

import java.nio.file.Path;

/** {@link TransferProof} against {@code berth serve --auth basic}. */
class TransferBerthBasicIT extends TransferProof {
  @Override
  boolean keepsCutUploads() {
    return true;
  }

  BerthServe server;

  @Override
  String startRegistry(Path dir) {
    server = BerthServe.start(new BerthCli(dir.resolve("home")), dir.resolve("storage"),
        TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD), "--auth", "basic");
    return server.host();
  }

  @Override
  void stopRegistry() {
    if (server != null) {
      server.close();
    }
  }
}
