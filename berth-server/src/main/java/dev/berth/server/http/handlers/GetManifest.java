package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import io.vertx.core.buffer.Buffer;

/**
 * {@code GET|HEAD /v2/<name>/manifests/<reference>} (end-3): the stored bytes, unchanged, with
 * their media type as Content-Type.
 */
public final class GetManifest implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    String reference = ex.param("reference");
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
