package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.observe.AuditEvent;

/** {@code DELETE /v2/<name>/blobs/<digest>} (end-10): unlinks the blob from this repository. */
public final class DeleteBlob implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    Digest digest = ex.digestParam();
    ex.blocking(() -> {
      ex.storage().blobs().unlink(repository, digest);
      return null;
    }).onSuccess(v -> {
      ex.empty(202);
      ex.audit(AuditEvent.blobDeleted(ex.grant().subject(), ex.client(), repository, digest.toString()));
    }).onFailure(ex::fail);
  }
}
