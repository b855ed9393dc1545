package dev.berth.client.http;

import dev.berth.client.HttpClients;
import dev.berth.client.tls.DeferredTls;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * How a small request (a ping, a token) is sent and its answer read into memory, within the limits
 * of {@link BoundedBody#send}: through a JDK {@link HttpClient} ({@link #over}), or on the calling
 * thread ({@link #blocking}), which costs a short-lived process far less (no client, no selector
 * thread) when it makes only a few.
 */
@FunctionalInterface
public interface Exchange {
  /**
   * @param maxBytes the most a 2xx body may hold; any other is cut at {@link BoundedBody#ERROR_BODY}
   * @throws BodyLimitException when the body breaks a limit
   */
  HttpResponse<byte[]> send(HttpRequest request, long maxBytes) throws IOException, InterruptedException;

  static Exchange over(HttpClient http) {
    return (request, maxBytes) -> BoundedBody.send(http, request, maxBytes);
  }

  /** On the calling thread ({@link BlockingHttp#send}), trusting the JDK's default CAs. */
  static Exchange blocking() {
    return blocking(DeferredTls.systemDefault(), HttpClients.DEFAULT_CONNECT_TIMEOUT);
  }

  /** On the calling thread, with this TLS context (made at the first HTTPS request) and connect timeout. */
  static Exchange blocking(SSLContext tls, Duration connectTimeout) {
    // one socket factory for every request: the JDK reuses an HTTPS connection only for the same one
    java.util.function.Supplier<SSLSocketFactory> sockets = new java.util.function.Supplier<>() {
      private volatile SSLSocketFactory made;

      @Override
      public SSLSocketFactory get() {
        SSLSocketFactory f = made;
        if (f == null) {
          f = tls.getSocketFactory();
          made = f;
        }
        return f;
      }
    };
    return (request, maxBytes) -> BlockingHttp.send(request, maxBytes, sockets, connectTimeout);
  }
}
