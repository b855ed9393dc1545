package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;

/**
 * {@code DELETE /v2/<name>/manifests/<reference>} (end-9): by digest removes the manifest and
 * every tag naming it; by tag removes only the tag. The blobs stay for garbage collection.
 */
public final class DeleteManifest implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    String reference = ex.param("reference");
    ex.blocking(() -> {
      ex.storage().manifests().delete(repository, reference);
      return null;
    }).onSuccess(v -> ex.empty(202)).onFailure(ex::fail);
  }
}
