package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;

/**
 * {@code PATCH /v2/<name>/blobs/uploads/<uuid>} (end-5): one chunk, streamed. With
 * {@code Content-Range} the chunk must start where the session ends (else 416); without it
 * (docker's streamed upload) it is simply appended.
 */
public final class PatchBlobData implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    String id = ex.param("uuid");
    Long start = UploadCompletion.contentRangeStart(ex);
    ex.blocking(() -> ex.storage().uploads().openWriter(repository, id, start))
        .compose(writer -> ex.streamBody(writer).map(n -> writer.offset()))
        .onSuccess(size -> ex.response().setStatusCode(202)
            .putHeader("Location", ex.uploadLocation(id))
            .putHeader("Docker-Upload-UUID", id)
            .putHeader("Range", Exchange.uploadRange(size))
            .putHeader("Content-Length", "0")
            .end())
        .onFailure(ex::fail);
  }
}
