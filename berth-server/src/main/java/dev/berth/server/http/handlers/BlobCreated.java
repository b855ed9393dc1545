package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.server.http.Exchange;

/** The 201 that ends every successful blob upload or mount. */
final class BlobCreated {
  private BlobCreated() {}

  static void send(Exchange ex, Digest digest) {
    ex.response().setStatusCode(201)
        .putHeader("Location", "/v2/" + ex.repository() + "/blobs/" + digest)
        .putHeader("Docker-Content-Digest", digest.toString())
        .putHeader("Content-Length", "0")
        .end();
  }
}
