package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;

/**
 * {@code GET /v2/<name>/blobs/uploads/<uuid>} (end-13): how much the session holds. A client asks
 * this right after its connection was cut mid-PATCH, to resume from there; the bytes that request
 * delivered may still be on their way to the file, so while the session is still receiving, the
 * answer waits for it (a few milliseconds, at most {@link #SETTLE_MILLIS}): an early answer would
 * make the client send them again, or find the session busy and start over.
 */
public final class GetUploadStatus implements RegistryHandler {
  static final long SETTLE_MILLIS = 2_000;
  private static final long POLL_MILLIS = 10;

  @Override
  public void handle(Exchange ex) {
    answer(ex, ex.param("uuid"), SETTLE_MILLIS);
  }

  private static void answer(Exchange ex, String id, long patience) {
    if (patience > 0 && ex.storage().uploads().receiving(ex.repository(), id)) {
      ex.later(POLL_MILLIS, () -> {
        if (ex.response().closed()) {
          return; // the client gave up waiting
        }
        try {
          answer(ex, id, patience - POLL_MILLIS);
        } catch (RuntimeException e) {
          ex.fail(e);
        }
      });
      return;
    }
    long size = ex.storage().uploads().offset(ex.repository(), id);
    ex.response().setStatusCode(204)
        .putHeader("Location", ex.uploadLocation(id))
        .putHeader("Docker-Upload-UUID", id)
        .putHeader("Range", Exchange.uploadRange(size))
        .end();
  }
}
