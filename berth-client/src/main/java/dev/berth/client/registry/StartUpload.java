package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v2/<name>/blobs/uploads/} opens an upload session; the answer is its Location.
 * With {@code mountFrom}, {@code POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<repo>}: a 201
 * means the registry linked the blob from that repository (nothing to upload), a 202 that it did
 * not and opened a session instead.
 *
 * @param mountFrom the repository (same registry) to mount from, or null
 */
record StartUpload(URI base, String repository, Digest digest, String mountFrom) implements RegistryCall<StartUpload.Answer> {

  /** Where to upload, or null when the blob was mounted. */
  record Answer(URI location) {
    boolean mounted() {
      return location == null;
    }
  }

  @Override
  public String attempt() {
    return (mountFrom != null ? "mount blob " + digest + " from " + mountFrom + " into " : "push blob " + digest + " to ")
        + repository;
  }

  @Override
  public String method() {
    return "POST";
  }

  @Override
  public URI uri() {
    if (mountFrom == null) {
      return base;
    }
    return URI.create(base + "?mount=" + digest.algorithm() + "%3A" + digest.encoded()
        + "&from=" + URLEncoder.encode(mountFrom, StandardCharsets.UTF_8));
  }

  @Override
  public boolean accepts(int status) {
    return status == 202 || (mountFrom != null && status == 201);
  }

  @Override
  public Answer handle(HttpResponse<InputStream> response) throws IOException {
    return new Answer(response.statusCode() == 201 ? null : RegistryCall.location(response, attempt()));
  }
}
