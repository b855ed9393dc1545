package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;

/** {@code DELETE /v2/<name>/blobs/uploads/<uuid>}: abandon a session and its bytes. */
public final class CancelUpload implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    String id = ex.param("uuid");
    ex.blocking(() -> {
      ex.storage().uploads().cancel(repository, id);
      return null;
    }).onSuccess(v -> ex.empty(204)).onFailure(ex::fail);
  }
}
