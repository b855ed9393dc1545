package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * {@code GET <Location>}: how many bytes an upload session holds ({@code Range: 0-<last>}), and
 * its Location from now on. {@code 0-0} (Berth's answer for an empty session) and {@code 0--1}
 * (distribution's) both read as nothing: at worst one byte is sent again, and the registry then
 * refuses the range and the upload starts over.
 */
record UploadStatus(URI uri, String repository, Digest digest) implements RegistryCall<UploadStatus.Answer> {

  record Answer(URI location, long size) {}

  @Override
  public String attempt() {
    return "resume the upload of blob " + digest + " to " + repository;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public boolean accepts(int status) {
    return status == 204 || status == 200;
  }

  @Override
  public Answer handle(HttpResponse<InputStream> response) throws IOException {
    URI location = response.headers().firstValue("Location").isPresent()
        ? RegistryCall.location(response, attempt()) : uri;
    String range = response.headers().firstValue("Range").orElse("0-0").strip();
    if (range.startsWith("bytes=")) {
      range = range.substring("bytes=".length());
    }
    int dash = range.indexOf('-', 1);
    long last;
    try {
      last = dash < 0 ? -1 : Long.parseLong(range.substring(dash + 1));
    } catch (NumberFormatException e) {
      last = -1;
    }
    return new Answer(location, last <= 0 ? 0 : last + 1);
  }
}
