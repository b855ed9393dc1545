package dev.berth.server;

import dev.berth.server.auth.AuthSettings;
import dev.berth.server.observe.ObserveSettings;
import dev.berth.server.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the registry.
 *
 * @param host address to bind (127.0.0.1 by default; anything else without TLS gets a warning)
 * @param port port to bind; 0 picks a free one ({@link RegistryServer#port()} tells which)
 * @param storage root directory of the registry's storage (created if missing)
 * @param htpasswd users file (bcrypt htpasswd); created with a random admin password if missing
 * @param deleteEnabled whether DELETE of manifests, tags and blobs is allowed (else 405)
 * @param uploadMaxAge upload sessions older than this are purged (at start, then periodically)
 * @param gcInterval run garbage collection this often while serving; null: never (the default).
 *     Its safety window is {@code uploadMaxAge}: a push cannot take longer than its session lives,
 *     so no blob a push is still building on is ever collected.
 * @param limits what one client may hold (connections, header time, body rate, upload sessions);
 *     null: {@link ServerLimits#DEFAULTS}
 * @param auth authentication mode, rules and token settings; null: token auth with the defaults.
 *     A users file passed in {@code htpasswd} counts as named by the operator (it must exist).
 * @param tls TLS on the registry's listener; null: plain HTTP
 * @param observe access and audit logs, metrics; null: {@link ObserveSettings#defaults}
 * @param shutdownTimeout how long a stop (SIGTERM) lets requests in flight finish before it closes
 *     their connections; null: {@link #DEFAULT_SHUTDOWN_TIMEOUT}
 */
public record ServerConfig(
    String host, int port, Path storage, Path htpasswd, boolean deleteEnabled, Duration uploadMaxAge,
    Duration gcInterval, ServerLimits limits, AuthSettings auth, TlsSettings tls, ObserveSettings observe,
    Duration shutdownTimeout) {

  public static final Duration DEFAULT_UPLOAD_MAX_AGE = Duration.ofHours(24);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(storage, "storage");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("invalid port: " + port);
    }
    if (auth == null) {
      auth = AuthSettings.defaults().withUsersFileGiven(htpasswd != null);
    }
    if (htpasswd == null) {
      htpasswd = storage.resolve("htpasswd");
    }
    if (uploadMaxAge == null) {
      uploadMaxAge = DEFAULT_UPLOAD_MAX_AGE;
    }
    if (uploadMaxAge.isNegative() || uploadMaxAge.isZero()) {
      throw new IllegalArgumentException("upload age must be positive: " + uploadMaxAge);
    }
    if (gcInterval != null && (gcInterval.isNegative() || gcInterval.isZero())) {
      gcInterval = null;
    }
    if (limits == null) {
      limits = ServerLimits.DEFAULTS;
    }
    if (tls == null) {
      tls = TlsSettings.OFF;
    }
    if (observe == null) {
      observe = ObserveSettings.defaults(storage);
    }
    if (shutdownTimeout == null) {
      shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    }
    if (shutdownTimeout.isNegative()) {
      throw new IllegalArgumentException("shutdown timeout must not be negative: " + shutdownTimeout);
    }
  }

  /** Plain HTTP, default logs and metrics. */
  public ServerConfig(String host, int port, Path storage, Path htpasswd, boolean deleteEnabled, Duration uploadMaxAge,
      Duration gcInterval, ServerLimits limits, AuthSettings auth) {
    this(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, gcInterval, limits, auth, null, null, null);
  }

  /** With the default limits and token auth. */
  public ServerConfig(String host, int port, Path storage, Path htpasswd, boolean deleteEnabled,
      Duration uploadMaxAge, Duration gcInterval) {
    this(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, gcInterval, null, null);
  }

  /** Without online garbage collection. */
  public ServerConfig(
      String host, int port, Path storage, Path htpasswd, boolean deleteEnabled, Duration uploadMaxAge) {
    this(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, null, null, null);
  }

  /** With the default upload age and no online garbage collection. */
  public ServerConfig(String host, int port, Path storage, Path htpasswd, boolean deleteEnabled) {
    this(host, port, storage, htpasswd, deleteEnabled, DEFAULT_UPLOAD_MAX_AGE, null, null, null);
  }

  /** Deletion enabled, users file in the storage directory, defaults for the rest. */
  public static ServerConfig of(String host, int port, Path storage) {
    return new ServerConfig(host, port, storage, null, true, DEFAULT_UPLOAD_MAX_AGE, null, null, null);
  }

  public ServerConfig withLimits(ServerLimits newLimits) {
    return new ServerConfig(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, gcInterval, newLimits, auth,
        tls, observe, shutdownTimeout);
  }

  /** The same with other auth settings. */
  public ServerConfig withAuth(AuthSettings settings) {
    return new ServerConfig(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, gcInterval, limits, settings,
        tls, observe, shutdownTimeout);
  }

  public ServerConfig withTls(TlsSettings settings) {
    return new ServerConfig(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, gcInterval, limits, auth,
        settings, observe, shutdownTimeout);
  }

  public ServerConfig withObserve(ObserveSettings settings) {
    return new ServerConfig(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, gcInterval, limits, auth,
        tls, settings, shutdownTimeout);
  }

  public ServerConfig withShutdownTimeout(Duration timeout) {
    return new ServerConfig(host, port, storage, htpasswd, deleteEnabled, uploadMaxAge, gcInterval, limits, auth,
        tls, observe, timeout);
  }
}
