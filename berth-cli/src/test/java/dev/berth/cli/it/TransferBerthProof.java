package dev.berth.cli.it;

import java.nio.file.Path;
import java.util.List;

/** {@link TransferProof} against {@code berth serve}, started with these extra arguments. */
abstract class TransferBerthProof extends TransferProof {
  BerthServe server;

  /** Arguments beyond storage and users ({@code --auth basic}), none for the defaults. */
  abstract List<String> serveArguments();

  @Override
  boolean keepsCutUploads() {
    return true; // berth serve keeps what a cut upload received
  }

  @Override
  String startRegistry(Path dir) {
    server = BerthServe.start(new BerthCli(dir.resolve("home")), dir.resolve("storage"),
        TestPeers.htpasswd(dir.resolve("users"), USER, PASSWORD), serveArguments().toArray(String[]::new));
    return server.host();
  }

  @Override
  void stopRegistry() {
    if (server != null) {
      server.close();
    }
  }
}
