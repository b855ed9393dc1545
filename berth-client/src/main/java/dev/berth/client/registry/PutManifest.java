package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** {@code PUT /v2/<name>/manifests/<ref>}: uploads a manifest's exact bytes under a tag or digest. */
record PutManifest(URI uri, String repository, String reference, String mediaType, byte[] content)
    implements RegistryCall<Digest> {
  @Override
  public String attempt() {
    return "push manifest " + repository + ":" + reference;
  }

  @Override
  public String method() {
    return "PUT";
  }

  @Override
  public Map<String, String> headers() {
    return Map.of("Content-Type", mediaType);
  }

  @Override
  public HttpRequest.BodyPublisher body() {
    return HttpRequest.BodyPublishers.ofByteArray(content);
  }

  @Override
  public boolean accepts(int status) {
    return status == 201;
  }

  @Override
  public Digest handle(HttpResponse<InputStream> response) throws IOException {
    Digest ours = Digest.sha256(content);
    String theirs = response.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (theirs != null && !theirs.equals(ours.toString())) {
      throw new IOException("Tried to " + attempt() + " but failed because: the registry reports digest "
          + theirs + " for a manifest whose digest is " + ours);
    }
    return ours;
  }
}
