package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.model.Names;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.storage.StorageException;
import io.vertx.core.buffer.Buffer;

/**
 * {@code GET|HEAD /v2/<name>/manifests/<reference>} (end-3): the stored bytes, unchanged, with
 * their media type as Content-Type. A reference that is neither a tag nor a digest names no
 * manifest: 404 MANIFEST_UNKNOWN, as the OCI conformance suite and distribution have it (a PUT
 * of one is still refused with 400).
 */
public final class GetManifest implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    String reference = ex.param("reference");
    if (!Names.isTag(reference) && !Digest.isValid(reference)) {
      throw new StorageException(StorageException.Reason.MANIFEST_UNKNOWN,
          "manifest unknown: " + repository + ":" + reference + " is neither a tag nor a digest");
    }
    ex.blocking(() -> ex.storage().manifests().get(repository, reference))
        .onSuccess(m -> {
          ex.response()
              .putHeader("Content-Type", m.mediaType())
              .putHeader("Docker-Content-Digest", m.digest().toString())
              .putHeader("ETag", "\"" + m.digest() + "\"")
              .putHeader("Content-Length", Integer.toString(m.content().length));
          if (ex.isHead()) {
            ex.response().end();
          } else {
            ex.response().end(Buffer.buffer(m.content()));
          }
        })
        .onFailure(ex::fail);
  }
}
