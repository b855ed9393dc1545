package dev.berth.client.registry;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/** {@code PUT <Location>?digest=}: closes the upload; the registry checks the digest. */
record CommitUpload(URI location, String repository, Digest digest) implements RegistryCall<Digest> {
  @Override
  public String attempt() {
    return "push blob " + digest + " to " + repository;
  }

  @Override
  public String method() {
    return "PUT";
  }

  @Override
  public URI uri() {
    String sep = location.getRawQuery() == null ? "?" : "&";
    return URI.create(location + sep + "digest=" + digest.algorithm() + "%3A" + digest.encoded());
  }

  @Override
  public boolean retryable() {
    return false; // the upload loop decides: a lost answer may mean the blob is there (HEAD says)
  }

  @Override
  public boolean accepts(int status) {
    return status == 201;
  }

  @Override
  public Digest handle(HttpResponse<InputStream> response) throws IOException {
    return digest;
  }
}
