package dev.berth.client.registry;

import dev.berth.client.http.BoundedBody;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * {@code GET /v2/<name>/manifests/<ref>}: the manifest's exact bytes. By digest, the bytes must
 * hash to it; by tag, to the Docker-Content-Digest the registry names (when it names one). At most
 * 4 MiB (as registries accept), or the size an index declares for it ({@code size >= 0}).
 */
record GetManifest(URI uri, String repository, String reference, long size) implements RegistryCall<PulledManifest> {
  static final int MAX_MANIFEST = 4 * 1024 * 1024;

  @Override
  public String attempt() {
    return "pull manifest " + repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public Map<String, String> headers() {
    return Map.of("Accept", String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST,
        MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST));
  }

  @Override
  public BoundedBody.Limit bodyLimit() {
    return size >= 0 && size <= MAX_MANIFEST
        ? new BoundedBody.Limit(size, "the size its index declares")
        : new BoundedBody.Limit(MAX_MANIFEST, "the limit for a manifest");
  }

  @Override
  public PulledManifest handle(HttpResponse<InputStream> response) throws IOException {
    byte[] content = response.body().readAllBytes();
    Digest actual = Digest.sha256(content);
    String expected = Digest.isValid(reference) ? reference
        : response.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (expected != null && Digest.isValid(expected) && Digest.parse(expected).algorithm().equals("sha256")
        && !Digest.parse(expected).equals(actual)) {
      throw new IOException("Tried to " + attempt() + " but failed because: the manifest hashes to " + actual
          + ", not " + expected);
    }
    String mediaType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse(null);
    return new PulledManifest(content, mediaType, actual);
  }
}
