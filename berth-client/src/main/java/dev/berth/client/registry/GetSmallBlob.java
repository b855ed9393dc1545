package dev.berth.client.registry;

import dev.berth.client.http.BoundedBody;
import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * {@code GET /v2/<name>/blobs/<digest>} of a small blob (a config) read into memory: at most the
 * {@code size} its descriptor declares, and the bytes must hash to {@code digest}. Redirects to
 * storage are followed without our credentials; unlike a layer download it is simply tried again.
 */
record GetSmallBlob(URI uri, String repository, Digest digest, long size) implements RegistryCall<byte[]> {
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
    return new BoundedBody.Limit(size, "the size its descriptor declares");
  }

  @Override
  public boolean followRedirects() {
    return true;
  }

  @Override
  public byte[] handle(HttpResponse<InputStream> response) throws IOException {
    byte[] bytes = response.body().readAllBytes();
    Digest actual = Digest.sha256(bytes);
    if (!actual.equals(digest)) {
      throw new IOException("Tried to " + attempt() + " but failed because: digest mismatch: the content hashes to " + actual);
    }
    return bytes;
  }
}
