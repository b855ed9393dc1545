package dev.berth.server.http;

import dev.berth.server.observe.Metrics;
import dev.berth.server.observe.RequestRecord;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The paths outside the registry API that need no registry credentials:
 *
 * <pre>
 * GET /healthz, /readyz   probes ({@link HealthCheck})
 * GET /ca.crt             --tls auto: the registry's CA (PEM), which 'berth trust' fetches and
 *                         checks by fingerprint; public by nature (it is sent in every handshake)
 * GET /metrics            Prometheus, unless metrics have a listener of their own; with a metrics
 *                         token, only for {@code Authorization: Bearer <token>}
 * </pre>
 */
public final class OpenEndpoints {
  public static final String CA_PATH = "/ca.crt";
  public static final String METRICS_PATH = "/metrics";

  private final HealthCheck health;
  private final Supplier<String> caPem;
  private final Metrics metrics;
  private final byte[] metricsToken;
  private final Vertx vertx;

  /**
   * @param caPem the CA to publish, or null (none)
   * @param metrics served here, or null (not on this listener)
   * @param metricsToken required bearer token, or null
   */
  public OpenEndpoints(HealthCheck health, Supplier<String> caPem, Metrics metrics, String metricsToken, Vertx vertx) {
    this.health = health;
    this.caPem = caPem;
    this.metrics = metrics;
    this.metricsToken = metricsToken == null ? null : ("Bearer " + metricsToken).getBytes(StandardCharsets.UTF_8);
    this.vertx = vertx;
  }

  /** @return whether the request was for one of these paths (and is answered) */
  public boolean handle(HttpServerRequest request, RequestRecord rec) {
    if (health != null && health.handle(request, rec)) {
      return true;
    }
    String path = request.path();
    boolean read = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    if (CA_PATH.equals(path) && caPem != null && read) {
      rec.route("CaCertificate");
      String pem = caPem.get();
      request.response().putHeader("Content-Type", "application/x-pem-file");
      HealthCheck.answer(request, 200, pem);
      return true;
    }
    if (METRICS_PATH.equals(path) && metrics != null && read) {
      rec.route("Metrics");
      byte[] given = String.valueOf(request.getHeader("Authorization")).getBytes(StandardCharsets.UTF_8);
      if (metricsToken != null && !MessageDigest.isEqual(given, metricsToken)) {
        request.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
        HealthCheck.answer(request, 401, "metrics need the metrics token (Authorization: Bearer ...)\n");
        return true;
      }
      vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
        request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        HealthCheck.answer(request, ar.succeeded() ? 200 : 500, ar.succeeded() ? ar.result() : "scrape failed\n");
      });
      return true;
    }
    return false;
  }
}
