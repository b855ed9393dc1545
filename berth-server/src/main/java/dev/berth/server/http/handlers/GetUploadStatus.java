package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;

/** {@code GET /v2/<name>/blobs/uploads/<uuid>} (end-13): how much the session holds. */
public final class GetUploadStatus implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String id = ex.param("uuid");
    long size = ex.storage().uploads().offset(ex.repository(), id);
    ex.response().setStatusCode(204)
        .putHeader("Location", ex.uploadLocation(id))
        .putHeader("Docker-Upload-UUID", id)
        .putHeader("Range", Exchange.uploadRange(size))
        .end();
  }
}
