package dev.berth.server.observe;

import java.nio.file.Path;

/**
 * Logs and metrics of {@code berth serve}.
 *
 * @param accessLog where the access log goes: a file, {@link #STDOUT} (the server's output), or
 *     null for none
 * @param accessLogFormat one JSON object per line, or the common log format
 * @param auditLog the append-only security log (logins, tokens, users, pushes and deletes), or
 *     null for none
 * @param metrics whether {@code /metrics} (Prometheus) is served
 * @param metricsHost where a separate metrics listener binds; null: {@code /metrics} is on the
 *     registry's own listener
 * @param metricsPort the separate listener's port (0: any free one)
 * @param metricsToken a bearer token {@code /metrics} requires, or null for none
 */
public record ObserveSettings(String accessLog, AccessLogFormat accessLogFormat, Path auditLog, boolean metrics,
    String metricsHost, int metricsPort, String metricsToken) {
  public static final String STDOUT = "-";

  public enum AccessLogFormat { JSON, CLF }

  public ObserveSettings {
    accessLogFormat = accessLogFormat == null ? AccessLogFormat.JSON : accessLogFormat;
  }

  /** Access log on the server's output (JSON), audit log in the storage, metrics on the registry's listener. */
  public static ObserveSettings defaults(Path storage) {
    return new ObserveSettings(STDOUT, AccessLogFormat.JSON, storage.resolve("audit.log"), true, null, 0, null);
  }

  /** No logs, no metrics (embedded use, benchmarks of the bare registry). */
  public static ObserveSettings none() {
    return new ObserveSettings(null, AccessLogFormat.JSON, null, false, null, 0, null);
  }

  public ObserveSettings withAccessLog(String target, AccessLogFormat format) {
    return new ObserveSettings(target, format, auditLog, metrics, metricsHost, metricsPort, metricsToken);
  }

  public ObserveSettings withAuditLog(Path file) {
    return new ObserveSettings(accessLog, accessLogFormat, file, metrics, metricsHost, metricsPort, metricsToken);
  }

  public ObserveSettings withMetrics(boolean on, String host, int port, String token) {
    return new ObserveSettings(accessLog, accessLogFormat, auditLog, on, host, port, token);
  }

  @Override
  public String toString() {
    // the token is a secret: never in a log line or an exception message
    return "ObserveSettings[accessLog=" + accessLog + ", format=" + accessLogFormat + ", auditLog=" + auditLog
        + ", metrics=" + metrics + ", metricsListener=" + (metricsHost == null ? "-" : metricsHost + ":" + metricsPort)
        + ", metricsToken=" + (metricsToken == null ? "none" : "(set)") + "]";
  }
}
