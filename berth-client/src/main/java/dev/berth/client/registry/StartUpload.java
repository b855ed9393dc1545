package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/** {@code POST /v2/<name>/blobs/uploads/}: opens an upload session; the answer is its Location. */
record StartUpload(URI uri, String repository, Digest digest) implements RegistryCall<URI> {
  @Override
  public String attempt() {
    return "push blob " + digest + " to " + repository;
  }

  @Override
  public String method() {
    return "POST";
  }

  @Override
  public boolean accepts(int status) {
    return status == 202;
  }

  @Override
  public URI handle(HttpResponse<InputStream> response) throws IOException {
    return RegistryCall.location(response, attempt());
  }
}
