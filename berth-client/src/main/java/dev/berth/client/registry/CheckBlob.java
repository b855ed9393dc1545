package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Optional;

/** {@code HEAD /v2/<name>/blobs/<digest>}: does the repository have this blob, and how big is it. */
record CheckBlob(URI uri, String repository, Digest digest) implements RegistryCall<Optional<Long>> {
  @Override
  public String attempt() {
    return "check blob " + digest + " in " + repository;
  }

  @Override
  public String method() {
    return "HEAD";
  }

  @Override
  public boolean accepts(int status) {
    return status == 200 || status == 404;
  }

  @Override
  public Optional<Long> handle(HttpResponse<InputStream> response) {
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(response.headers().firstValueAsLong("Content-Length").orElse(-1));
  }
}
