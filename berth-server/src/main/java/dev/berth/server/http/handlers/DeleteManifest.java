package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.server.http.Exchange;
import dev.berth.server.observe.AuditEvent;
import dev.berth.server.http.RegistryHandler;

/**
 * {@code DELETE /v2/<name>/manifests/<reference>} (end-9): by digest removes the manifest and
 * every tag naming it; by tag removes only the tag. The blobs stay for garbage collection. The
 * audit log records what went, with digests.
 */
public final class DeleteManifest implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    String reference = ex.param("reference");
    ex.blocking(() -> ex.storage().manifests().delete(repository, reference)).onSuccess(deleted -> {
      ex.empty(202);
      boolean byTag = !Digest.isValid(reference);
      ex.audit(AuditEvent.deleted(ex.grant().subject(), ex.client(), repository, byTag ? reference : null,
          deleted.digest() == null ? null : deleted.digest().toString(), deleted.tags()));
    }).onFailure(ex::fail);
  }
}
