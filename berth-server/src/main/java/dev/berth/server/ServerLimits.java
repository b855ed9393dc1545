package dev.berth.server;

import java.time.Duration;

/**
 * What one client may hold of the server: connections, time to send headers, body rate, upload
 * sessions. A client past a limit gets a one-line error (or its connection closed); the server
 * itself keeps serving everybody else.
 *
 * @param maxConnections open connections served normally; 0 derives it from the file-descriptor
 *     limit ({@link #defaultMaxConnections}). A few more are accepted for health checks only.
 * @param headerTimeout how long a request's headers may take to arrive, from the first byte (or
 *     from the connection's start): slow-header clients cannot hold connections for ever
 * @param minBodyRate bytes per second an upload body must average over {@code bodyRateWindow},
 *     else the connection is closed (the session keeps what arrived); 0 disables the check
 * @param bodyRateWindow the window over which the body rate is averaged
 * @param uploadsPerUser upload sessions one user may have open at once
 * @param uploadsTotal upload sessions open at once, all users together
 */
public record ServerLimits(
    int maxConnections, Duration headerTimeout, long minBodyRate, Duration bodyRateWindow,
    int uploadsPerUser, int uploadsTotal) {

  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(15);
  public static final long DEFAULT_MIN_BODY_RATE = 1024;
  public static final Duration DEFAULT_BODY_RATE_WINDOW = Duration.ofSeconds(30);
  public static final int DEFAULT_UPLOADS_PER_USER = dev.berth.server.storage.UploadLimits.DEFAULTS.perUser();
  public static final int DEFAULT_UPLOADS_TOTAL = dev.berth.server.storage.UploadLimits.DEFAULTS.total();

  /** Every limit at its default. */
  public static final ServerLimits DEFAULTS = new ServerLimits(0, DEFAULT_HEADER_TIMEOUT, DEFAULT_MIN_BODY_RATE,
      DEFAULT_BODY_RATE_WINDOW, DEFAULT_UPLOADS_PER_USER, DEFAULT_UPLOADS_TOTAL);

  public ServerLimits {
    if (maxConnections < 0) {
      throw new IllegalArgumentException("maximum connections must not be negative: " + maxConnections);
    }
    if (maxConnections == 0) {
      maxConnections = defaultMaxConnections(FileDescriptors.limit());
    }
    headerTimeout = positive(headerTimeout, DEFAULT_HEADER_TIMEOUT, "header timeout");
    bodyRateWindow = positive(bodyRateWindow, DEFAULT_BODY_RATE_WINDOW, "body rate window");
    if (minBodyRate < 0) {
      throw new IllegalArgumentException("minimum body rate must not be negative: " + minBodyRate);
    }
    if (uploadsPerUser < 1 || uploadsTotal < 1) {
      throw new IllegalArgumentException("upload session limits must be positive: " + uploadsPerUser
          + " per user, " + uploadsTotal + " in total");
    }
  }

  /**
   * Half of what the file-descriptor limit leaves after a fixed reserve (the JDK's own files, the
   * storage's open files): a connection costs a descriptor, an upload on it one or two more, so
   * the server reaches this limit, and refuses politely, well before {@code accept} fails.
   */
  public static int defaultMaxConnections(long fdLimit) {
    long usable = (fdLimit - 128) / 2;
    return (int) Math.max(16, Math.min(usable, 1_000_000));
  }

  public ServerLimits withMaxConnections(int n) {
    return new ServerLimits(n, headerTimeout, minBodyRate, bodyRateWindow, uploadsPerUser, uploadsTotal);
  }

  public ServerLimits withHeaderTimeout(Duration d) {
    return new ServerLimits(maxConnections, d, minBodyRate, bodyRateWindow, uploadsPerUser, uploadsTotal);
  }

  public ServerLimits withBodyRate(long bytesPerSecond, Duration window) {
    return new ServerLimits(maxConnections, headerTimeout, bytesPerSecond, window, uploadsPerUser, uploadsTotal);
  }

  public ServerLimits withUploads(int perUser, int total) {
    return new ServerLimits(maxConnections, headerTimeout, minBodyRate, bodyRateWindow, perUser, total);
  }

  private static Duration positive(Duration d, Duration fallback, String what) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }

  /** The process's file-descriptor limit (the soft one, which the JVM raises to the hard one at start). */
  static final class FileDescriptors {
    private FileDescriptors() {}

    /** From {@code /proc/self/limits} (cheaper than loading JMX); 4096 where that is unreadable. */
    static long limit() {
      try {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
          if (line.startsWith("Max open files")) {
            String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
            return soft.equals("unlimited") ? 1_048_576 : Long.parseLong(soft);
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        // not Linux, or an unusual /proc: fall back to a common default
      }
      return 4096;
    }
  }
}
