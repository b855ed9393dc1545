package dev.berth.cli.it;

import java.util.List;

/** {@link TransferProof} against {@code berth serve --auth basic}. */
class TransferBerthBasicIT extends TransferBerthProof {
  @Override
  List<String> serveArguments() {
    return List.of("--auth", "basic");
  }
}
