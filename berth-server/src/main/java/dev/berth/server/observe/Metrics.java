package dev.berth.server.observe;

import java.util.function.Supplier;

/**
 * What the server measures. {@link #NONE} when metrics are off (nothing of Micrometer is loaded);
 * {@link PrometheusMetrics} otherwise.
 */
public interface Metrics {
  Metrics NONE = new Metrics() { };

  /** Once per request, when it ended. */
  default void request(RequestRecord r) {
  }

  default void uploadStarted() {
  }

  default void uploadEnded() {
  }

  /** @param reason {@code bad_credentials}, {@code invalid_token}, {@code throttled} */
  default void authFailure(String reason) {
  }

  /** A garbage collection finished. */
  default void gcRun(int blobsDeleted, long bytesReclaimed) {
  }

  /** What the blob store holds, as last measured. */
  default void storage(long bytes, long blobs) {
  }

  /** A value read when scraped (open connections, upload sessions). */
  default void gauge(String name, String help, Supplier<Number> value) {
  }

  /** The Prometheus text exposition; empty when off. */
  default String scrape() {
    return "";
  }

  default boolean enabled() {
    return false;
  }

  /** Counts an audit log's failures (and passes every event on). */
  default AuditLog counting(AuditLog audit) {
    return new AuditLog() {
      @Override
      public void record(AuditEvent event) {
        if (event.failed() && event.event().equals("login")) {
          authFailure("bad_credentials");
        }
        audit.record(event);
      }

      @Override
      public void authFailure(String reason) {
        Metrics.this.authFailure(reason);
        audit.authFailure(reason);
      }

      @Override
      public void reopen() {
        audit.reopen();
      }
    };
  }
}
