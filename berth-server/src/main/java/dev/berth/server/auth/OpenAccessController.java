package dev.berth.server.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code --auth none}: everyone may do everything. Only for a registry nobody else can reach. */
public final class OpenAccessController implements AccessController {
  private final CompletionStage<Decision> everything = CompletableFuture.completedFuture(Permissions.everything());

  @Override
  public CompletionStage<Decision> authorize(AccessRequest request) {
    return everything;
  }
}
