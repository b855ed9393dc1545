package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code PATCH <Location>}: streams the whole blob from its file in one request (the body is
 * read from disk as it is sent, never held in memory). The answer is the next Location.
 */
record WriteUpload(URI uri, String repository, Digest digest, Path file, long size) implements RegistryCall<URI> {
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
    return Map.of("Content-Type", "application/octet-stream");
  }

  @Override
  public HttpRequest.BodyPublisher body() {
    try {
      return HttpRequest.BodyPublishers.ofFile(file);
    } catch (java.io.FileNotFoundException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public boolean sendsBlob() {
    return true;
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
