package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.server.http.Exchange;
import dev.berth.server.observe.AuditEvent;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.storage.ManifestStore;
import dev.berth.server.storage.StorageException;

/**
 * {@code PUT /v2/<name>/manifests/<reference>} (end-7): stores the body byte-exact. Oversized
 * documents are refused from their Content-Length, before reading (413). The audit log records
 * the push, with the tag and digest.
 */
public final class PutManifest implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    if (ex.contentLength() > ManifestStore.MAX_MANIFEST_BYTES) {
      throw new StorageException(StorageException.Reason.MANIFEST_TOO_LARGE,
          "manifest of " + ex.contentLength() + " bytes exceeds the limit of " + ManifestStore.MAX_MANIFEST_BYTES);
    }
    String repository = ex.repository();
    String reference = ex.param("reference");
    String contentType = ex.request().getHeader("Content-Type");
    ex.readBody(ManifestStore.MAX_MANIFEST_BYTES)
        .compose(body -> ex.blocking(() -> ex.storage().manifests().put(repository, reference, contentType, body)))
        .onSuccess(put -> {
          ex.response().setStatusCode(201)
              .putHeader("Location", "/v2/" + repository + "/manifests/" + put.digest())
              .putHeader("Docker-Content-Digest", put.digest().toString())
              .putHeader("Content-Length", "0");
          if (put.document().subject() != null) {
            ex.response().putHeader("OCI-Subject", put.document().subject().digest().toString());
          }
          ex.response().end();
          ex.audit(AuditEvent.pushed(ex.grant().subject(), ex.client(), repository,
              Digest.isValid(reference) ? null : reference, put.digest().toString()));
        })
        .onFailure(ex::fail);
  }
}
