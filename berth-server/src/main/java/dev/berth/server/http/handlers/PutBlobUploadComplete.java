package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;

/**
 * {@code PUT /v2/<name>/blobs/uploads/<uuid>?digest=<digest>} (end-6): closes a session, with or
 * without a last chunk. The content must hash to {@code digest}; otherwise DIGEST_INVALID and the
 * session is gone with all its bytes.
 */
public final class PutBlobUploadComplete implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    Digest digest = Exchange.parseDigest(ex.request().getParam("digest"));
    String id = ex.param("uuid");
    Long start = UploadCompletion.contentRangeStart(ex);
    ex.storage().uploads().offset(ex.repository(), id); // UPLOAD_UNKNOWN before any body is read
    UploadCompletion.receiveAndComplete(ex, id, start, digest);
  }
}
