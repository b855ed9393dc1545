package dev.berth.server.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The server's metrics in Micrometer's Prometheus registry, served at {@code /metrics}:
 *
 * <pre>
 * berth_http_requests_seconds_bucket{route,method,status,le}  latency by route and status (histogram)
 * berth_http_request_bytes_total{route}       bytes received in request bodies
 * berth_http_response_bytes_total{route}      bytes sent in response bodies
 * berth_uploads_in_flight                     upload bodies streaming in now
 * berth_upload_sessions                       upload sessions open
 * berth_connections                           connections open
 * berth_auth_failures_total{reason}           bad_credentials, invalid_token, throttled
 * berth_gc_runs_total                         garbage collections
 * berth_gc_reclaimed_bytes_total              bytes they freed (berth_gc_deleted_blobs_total: blobs)
 * berth_storage_bytes, berth_storage_blobs    what the blob store holds (measured every few minutes)
 * </pre>
 *
 * Labels are routes (the action, e.g. GetBlob), never repositories or users, so the number of
 * series stays small whatever the registry holds.
 */
public final class PrometheusMetrics implements Metrics {
  /** Latency buckets: a small GET takes milliseconds, a big push minutes. */
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter[]> bytes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> authFailures = new ConcurrentHashMap<>();
  private final AtomicInteger uploadsInFlight = new AtomicInteger();
  private final AtomicLong storageBytes = new AtomicLong(-1);
  private final AtomicLong storageBlobs = new AtomicLong(-1);
  private final Counter gcRuns;
  private final Counter gcBytes;
  private final Counter gcBlobs;

  public PrometheusMetrics() {
    Gauge.builder("berth.uploads.in.flight", uploadsInFlight, AtomicInteger::get)
        .description("Upload bodies streaming in now").register(registry);
    Gauge.builder("berth.storage.bytes", storageBytes, AtomicLong::get).baseUnit("bytes")
        .description("Bytes in the blob store, as last measured (-1: not yet)").register(registry);
    Gauge.builder("berth.storage.blobs", storageBlobs, AtomicLong::get)
        .description("Blobs in the blob store, as last measured (-1: not yet)").register(registry);
    gcRuns = Counter.builder("berth.gc.runs").description("Garbage collections run").register(registry);
    gcBytes = Counter.builder("berth.gc.reclaimed").baseUnit("bytes").description("Bytes freed by garbage collection")
        .register(registry);
    gcBlobs = Counter.builder("berth.gc.deleted.blobs").description("Blobs deleted by garbage collection")
        .register(registry);
    for (String reason : new String[] {"bad_credentials", "invalid_token", "throttled"}) {
      authFailure(reason, 0);
    }
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public void request(RequestRecord r) {
    String status = Integer.toString(r.status);
    String key = r.route + ' ' + r.method + ' ' + status;
    Timer timer = timers.computeIfAbsent(key, k -> Timer.builder("berth.http.requests")
        .description("Requests by route, method and status")
        .tags("route", r.route, "method", r.method, "status", status)
        .serviceLevelObjectives(BUCKETS)
        .register(registry));
    timer.record(r.durationNanos, TimeUnit.NANOSECONDS);
    Counter[] io = bytes.computeIfAbsent(r.route, route -> new Counter[] {
        Counter.builder("berth.http.request").baseUnit("bytes").description("Bytes received in request bodies")
            .tag("route", route).register(registry),
        Counter.builder("berth.http.response").baseUnit("bytes").description("Bytes sent in response bodies")
            .tag("route", route).register(registry)});
    if (r.bytesIn > 0) {
      io[0].increment(r.bytesIn);
    }
    if (r.bytesOut > 0) {
      io[1].increment(r.bytesOut);
    }
  }

  @Override
  public void uploadStarted() {
    uploadsInFlight.incrementAndGet();
  }

  @Override
  public void uploadEnded() {
    uploadsInFlight.decrementAndGet();
  }

  @Override
  public void authFailure(String reason) {
    authFailure(reason, 1);
  }

  private void authFailure(String reason, int n) {
    Counter c = authFailures.computeIfAbsent(reason, r -> Counter.builder("berth.auth.failures")
        .description("Authentication failures by reason").tag("reason", r).register(registry));
    if (n > 0) {
      c.increment(n);
    }
  }

  @Override
  public void gcRun(int blobsDeleted, long bytesReclaimed) {
    gcRuns.increment();
    gcBlobs.increment(blobsDeleted);
    gcBytes.increment(bytesReclaimed);
  }

  @Override
  public void storage(long bytes, long blobs) {
    storageBytes.set(bytes);
    storageBlobs.set(blobs);
  }

  @Override
  public void gauge(String name, String help, Supplier<Number> value) {
    Gauge.builder(name, value).description(help).strongReference(true).register(registry);
  }

  @Override
  public String scrape() {
    return registry.scrape();
  }
}
