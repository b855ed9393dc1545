package dev.berth.client.registry;

import dev.berth.client.http.BoundedBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * One registry endpoint as data (method, URI, headers, body) plus the function that reads its
 * answer. {@link RegistryTransport} owns everything else: authentication, redirects, and turning
 * error statuses into {@link RegistryException}s.
 */
public interface RegistryCall<T> {
  /** What is being attempted, for errors: {@code push blob sha256:… to host/repo}. */
  String attempt();

  String method();

  URI uri();

  default Map<String, String> headers() {
    return Map.of();
  }

  /** Must be replayable: the transport may send it twice (once more after a 401 challenge). */
  default HttpRequest.BodyPublisher body() {
    return HttpRequest.BodyPublishers.noBody();
  }

  /**
   * Whether the request body is a blob: its answer only comes after the whole upload, so the
   * response timeout does not apply (the stall timeout still does to the answer's body).
   */
  default boolean sendsBlob() {
    return false;
  }

  /**
   * The most a successful response body may hold; one byte more fails the call. Calls that read
   * their answer into memory are also held to the response timeout for the whole body.
   */
  default BoundedBody.Limit bodyLimit() {
    return new BoundedBody.Limit(BoundedBody.SMALL, null);
  }

  /** Whether the body is streamed (a blob): then only the stall timeout bounds its time. */
  default boolean streamsBody() {
    return false;
  }

  /** Blob downloads may be redirected to storage; nothing else is. */
  default boolean followRedirects() {
    return false;
  }

  /**
   * Whether the transport may simply send it again after a failure. Calls that stream a blob (in
   * either direction) are not: their callers resume them instead.
   */
  default boolean retryable() {
    return true;
  }

  /** Statuses {@link #handle} understands; anything else is an error. */
  default boolean accepts(int status) {
    return status >= 200 && status < 300;
  }

  /** Reads an accepted response; the transport closes the body afterwards. */
  T handle(HttpResponse<InputStream> response) throws IOException;

  /** The {@code Location} of a response, resolved against the request URI. */
  static URI location(HttpResponse<?> response, String what) throws IOException {
    String location = response.headers().firstValue("Location").orElseThrow(
        () -> new IOException("the registry sent no Location for " + what));
    try {
      return response.uri().resolve(location);
    } catch (IllegalArgumentException e) {
      throw new IOException("the registry sent an invalid Location for " + what + ": " + location);
    }
  }
}
