package dev.berth.server.http;

import dev.berth.server.observe.AccessLog;
import dev.berth.server.observe.Metrics;
import dev.berth.server.observe.RequestRecord;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The first and last look at every request: gives it an id ({@code X-Request-Id}) and a
 * {@link RequestRecord}, and when its response ends (or its connection closes first) writes the
 * access log line and the metrics. It also reads and drops a body nobody read (a GET with one, a
 * request refused up front), so the connection can serve its next request.
 */
public final class RequestObserver {
  public static final String REQUEST_ID = "X-Request-Id";
  /** What the access log says of a request whose connection closed before its response ended. */
  static final int CLIENT_CLOSED = 499;

  private final AccessLog accessLog;
  private final Metrics metrics;

  /** @param accessLog null for none */
  public RequestObserver(AccessLog accessLog, Metrics metrics) {
    this.accessLog = accessLog;
    this.metrics = metrics;
  }

  public RequestRecord begin(HttpServerRequest request) {
    String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    RequestRecord rec = new RequestRecord(id, request.method().name(), request.path(),
        request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress());
    HttpServerResponse response = request.response();
    response.putHeader(REQUEST_ID, id);
    response.endHandler(v -> {
      if (!request.isEnded()) {
        request.handler(ignored -> { });
        request.resume();
      }
      end(request, rec);
    });
    return rec;
  }

  private void end(HttpServerRequest request, RequestRecord rec) {
    HttpServerResponse response = request.response();
    rec.finish(response.ended() ? response.getStatusCode() : CLIENT_CLOSED, request.bytesRead(), response.bytesWritten());
    if (accessLog != null) {
      accessLog.log(rec);
    }
    metrics.request(rec);
  }
}
