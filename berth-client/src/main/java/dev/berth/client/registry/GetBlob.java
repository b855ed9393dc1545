package dev.berth.client.registry;

import dev.berth.client.http.BoundedBody;
import dev.berth.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, from byte {@code offset} on ({@code Range:
 * bytes=<offset>-}) when resuming: streams the blob to a sink, which verifies the digest as it
 * writes. A {@code 206} starts at the byte its {@code Content-Range} names; a {@code 200} at the
 * first (a server may ignore the Range). Redirects to storage are followed, without our
 * credentials. The body may not exceed the blob's declared size ({@code size >= 0}).
 */
record GetBlob<T>(URI uri, String repository, Digest digest, long size, long offset, Sink<T> sink) implements RegistryCall<T> {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+([0-9]+)-[0-9]+/(?:[0-9]+|\\*)");

  /** Consumes the body stream, which starts at byte {@code start} of the blob. */
  interface Sink<T> {
    T accept(long start, InputStream body) throws IOException;
  }

  @Override
  public String attempt() {
    return "pull blob " + digest + " from " + repository;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public Map<String, String> headers() {
    return offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
  }

  @Override
  public BoundedBody.Limit bodyLimit() {
    return size < 0 ? BoundedBody.Limit.NONE : new BoundedBody.Limit(size, "the size its descriptor declares");
  }

  @Override
  public boolean streamsBody() {
    return true;
  }

  @Override
  public boolean followRedirects() {
    return true;
  }

  @Override
  public boolean retryable() {
    return false;
  }

  @Override
  public boolean accepts(int status) {
    return status == 200 || (status == 206 && offset > 0);
  }

  @Override
  public T handle(HttpResponse<InputStream> response) throws IOException {
    long start = 0;
    if (response.statusCode() == 206) {
      Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
      if (!m.matches()) {
        throw new IOException("Tried to " + attempt() + " but failed because: a partial answer without a valid Content-Range");
      }
      start = Long.parseLong(m.group(1));
    }
    return sink.accept(start, response.body());
  }
}
