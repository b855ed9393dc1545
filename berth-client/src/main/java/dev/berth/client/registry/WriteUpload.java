package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code PATCH <Location>}: streams the rest of the blob, from byte {@code offset}, in one
 * request (read as it is sent, never held in memory). A resumed upload says where its bytes go
 * ({@code Content-Range: <offset>-<last>}); a first one sends none, as docker's streamed uploads
 * do. The answer is the next Location. Not repeated by the transport: a broken upload is resumed
 * from where the registry says it stands ({@link UploadStatus}).
 */
record WriteUpload(URI uri, String repository, Digest digest, long offset, long size,
    Supplier<HttpRequest.BodyPublisher> content) implements RegistryCall<URI> {
  @Override
  public String attempt() {
    return "push blob " + digest + " to " + repository;
  }

  @Override
  public String method() {
    return "PATCH";
  }

  @Override
  public Map<String, String> headers() {
    if (offset == 0) {
      return Map.of("Content-Type", "application/octet-stream");
    }
    return Map.of("Content-Type", "application/octet-stream", "Content-Range", offset + "-" + (size - 1));
  }

  @Override
  public HttpRequest.BodyPublisher body() {
    return content.get();
  }

  @Override
  public boolean sendsBlob() {
    return true;
  }

  @Override
  public boolean retryable() {
    return false;
  }

  @Override
  public boolean accepts(int status) {
    return status == 202 || status == 204;
  }

  @Override
  public URI handle(HttpResponse<InputStream> response) throws IOException {
    return RegistryCall.location(response, attempt());
  }
}
