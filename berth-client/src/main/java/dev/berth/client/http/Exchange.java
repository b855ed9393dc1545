package dev.berth.client.http;

import dev.berth.client.HttpClients;
import dev.berth.client.tls.DeferredTls;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;

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

  /**
   * On the calling thread ({@link BlockingHttp#send}), trusting the JDK's default CAs (set up at the
   * first HTTPS request; {@link DeferredTls} hands out one socket factory, so connections are reused).
   */
  static Exchange blocking() {
    SSLContext tls = DeferredTls.systemDefault();
    return (request, maxBytes) -> BlockingHttp.send(request, maxBytes, tls::getSocketFactory,
        HttpClients.DEFAULT_CONNECT_TIMEOUT);
  }
}
