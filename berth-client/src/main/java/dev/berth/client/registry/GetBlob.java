package dev.berth.client.registry;

import dev.berth.client.http.BoundedBody;
import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * {@code GET /v2/<name>/blobs/<digest>}: streams the blob to a sink (which verifies the digest
 * as it writes). Redirects to storage are followed, without our credentials. The body may not
 * exceed the size the descriptor declares (when known, {@code size >= 0}): not one byte more is read.
 */
record GetBlob<T>(URI uri, String repository, Digest digest, long size, Sink<T> sink) implements RegistryCall<T> {

  /** Consumes the body stream. */
  interface Sink<T> {
    T accept(InputStream body) throws IOException;
  }

  @Override
  public String attempt() {
    return "pull blob " + digest + " from " + repository;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public BoundedBody.Limit bodyLimit() {
    return size < 0 ? BoundedBody.Limit.NONE : new BoundedBody.Limit(size, "the size its descriptor declares");
  }

  @Override
  public boolean streamsBody() {
    return true;
  }

  @Override
  public boolean followRedirects() {
    return true;
  }

  @Override
  public T handle(HttpResponse<InputStream> response) throws IOException {
    return sink.accept(response.body());
  }
}
