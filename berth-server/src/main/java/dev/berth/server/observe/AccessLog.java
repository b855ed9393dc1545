package dev.berth.server.observe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One line per request, written off the event loop ({@link LineSink}). JSON by default:
 *
 * <pre>
 * {"time":"2026-11-30T10:00:00.123Z","id":"5f2c0a9e1b7d4c36","remote":"10.0.0.7","user":"alice",
 *  "repository":"team/app","method":"GET","route":"GetBlob","path":"/v2/team/app/blobs/sha256:…",
 *  "status":200,"bytes_in":0,"bytes_out":31457280,"duration_ms":41.7}
 * </pre>
 *
 * or the common log format ({@code 10.0.0.7 - alice [30/Nov/2026:10:00:00 +0000] "GET /v2/… HTTP/1.1" 200 31457280}).
 * Paths never carry a secret (tokens travel in headers and bodies, which are not logged) and the
 * query string is left out.
 */
public final class AccessLog implements AutoCloseable {
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.of("UTC"));

  private final LineSink<RequestRecord> sink;

  private AccessLog(LineSink<RequestRecord> sink) {
    this.sink = sink;
  }

  /**
   * @param target a file, or {@link ObserveSettings#STDOUT} for {@code console}
   * @throws IOException when the file cannot be opened
   */
  public static AccessLog open(String target, ObserveSettings.AccessLogFormat format, PrintStream console,
      Consumer<String> log) throws IOException {
    Path file = ObserveSettings.STDOUT.equals(target) ? null : Path.of(target);
    Clock clock = new Clock();
    java.util.function.BiConsumer<RequestRecord, StringBuilder> lines = format == ObserveSettings.AccessLogFormat.CLF
        ? (r, b) -> b.append(clf(r)) : (r, b) -> json(r, b, clock);
    return new AccessLog(new LineSink<>(file, console, log, lines));
  }

  /** Queues the request's line; the record is complete (its response ended) and no longer changes. */
  public void log(RequestRecord r) {
    sink.offer(r);
  }

  static String json(RequestRecord r) {
    StringBuilder b = new StringBuilder(256);
    json(r, b, new Clock());
    return b.toString();
  }

  /**
   * Times as ISO-8601 in UTC with milliseconds; the text up to the second is kept and reused
   * (a log line a request is mostly the same second as the one before).
   */
  static final class Clock {
    private long second = Long.MIN_VALUE;
    private String prefix = "";

    void append(StringBuilder b, long millis) {
      long s = Math.floorDiv(millis, 1000);
      if (s != second) {
        second = s;
        String full = Instant.ofEpochSecond(s).toString(); // 2026-11-30T10:00:00Z
        prefix = full.substring(0, full.length() - 1) + ".";
      }
      int ms = Math.floorMod(millis, 1000);
      b.append('"').append(prefix).append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
          .append((char) ('0' + ms % 10)).append("Z\"");
    }
  }

  static void json(RequestRecord r, StringBuilder b, Clock clock) {
    b.append("{\"time\":");
    clock.append(b, r.startMillis);
    b.append(",\"id\":");
    Json.string(b, r.id);
    b.append(",\"remote\":");
    Json.string(b, r.remote);
    b.append(",\"user\":");
    Json.value(b, r.user);
    b.append(",\"repository\":");
    Json.value(b, r.repository);
    b.append(",\"method\":");
    Json.string(b, r.method);
    b.append(",\"route\":");
    Json.string(b, r.route);
    b.append(",\"path\":");
    Json.string(b, r.path);
    b.append(",\"status\":").append(r.status)
        .append(",\"bytes_in\":").append(r.bytesIn)
        .append(",\"bytes_out\":").append(r.bytesOut)
        .append(",\"duration_ms\":").append(Math.round(r.durationNanos / 1000.0) / 1000.0)
        .append('}');
  }

  static String clf(RequestRecord r) {
    return r.remote + " - " + (r.user == null ? "-" : r.user.replace(' ', '_')) + " ["
        + CLF_TIME.format(Instant.ofEpochMilli(r.startMillis)) + "] \"" + r.method + " "
        + r.path.replace("\"", "%22").replace(' ', '+') + " HTTP/1.1\" " + r.status + " "
        + (r.bytesOut == 0 ? "-" : Long.toString(r.bytesOut));
  }

  /** Reopens the file (log rotation, SIGHUP). */
  public void reopen() {
    sink.reopen();
  }

  @Override
  public void close() {
    sink.close();
  }
}
