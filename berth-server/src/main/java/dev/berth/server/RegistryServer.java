package dev.berth.server;

import dev.berth.server.auth.AdminBootstrap;
import dev.berth.server.auth.AuthSettings;
import dev.berth.server.auth.AuthSystem;
import dev.berth.server.http.BodyRate;
import dev.berth.server.http.ConnectionGuard;
import dev.berth.server.http.ErrorMapper;
import dev.berth.server.http.HealthCheck;
import dev.berth.server.http.OpenEndpoints;
import dev.berth.server.http.ReadSizingTransport;
import dev.berth.server.http.Readiness;
import dev.berth.server.http.RegistryRequestHandler;
import dev.berth.server.http.RequestObserver;
import dev.berth.server.http.RequestRouter;
import dev.berth.server.http.SafeLogging;
import dev.berth.server.http.TokenEndpoint;
import dev.berth.server.observe.AccessLog;
import dev.berth.server.observe.AuditLog;
import dev.berth.server.observe.FileAuditLog;
import dev.berth.server.observe.Metrics;
import dev.berth.server.observe.ObserveSettings;
import dev.berth.server.observe.PrometheusMetrics;
import dev.berth.server.storage.BlobStore;
import dev.berth.server.storage.RegistryStorage;
import dev.berth.server.storage.StorageLayout;
import dev.berth.server.storage.StorageLock;
import dev.berth.server.storage.UploadLimits;
import dev.berth.server.tls.ServerTls;
import dev.berth.server.tls.TlsException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The registry: storage, access control, the HTTP API on Vert.x (over TLS when configured), logs
 * and metrics, wired together. {@link #start} returns once the port is bound, after printing one
 * line with {@code listening on http(s)://HOST:PORT}; requests are served from then on.
 *
 * <p>Lifecycle: {@link #shutdown} stops accepting, lets requests in flight finish up to a
 * deadline, waits for upload writers to close (what arrived stays resumable), then closes;
 * {@link #reload} re-reads users, rules and certificates and reopens log files (SIGHUP).
 */
public final class RegistryServer implements AutoCloseable {
  static final String REALM = "Berth Registry";
  /** How often the blob store's size is measured for the metrics. */
  private static final long STORAGE_MEASURE_MILLIS = TimeUnit.MINUTES.toMillis(5);

  private final Vertx vertx;
  private final AuthSystem auth;
  private final StorageLock storageLock;
  private final List<ExecutorService> pools;
  private final List<HttpServer> servers;
  private final HttpServer metricsServer;
  private final RegistryStorage storage;
  private final int port;
  private final int metricsPort;
  private final ServerTls tls;
  private final AccessLog accessLog;
  private final FileAuditLog auditFile;
  private final AuditLog audit;
  private final Readiness readiness;
  private final RegistryRequestHandler.Uploads uploads;
  private final Consumer<String> log;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RegistryServer(Builder b) {
    this.vertx = b.vertx;
    this.auth = b.auth;
    this.storageLock = b.storageLock;
    this.pools = b.pools;
    this.servers = b.servers;
    this.metricsServer = b.metricsServer;
    this.storage = b.storage;
    this.port = b.port;
    this.metricsPort = b.metricsPort;
    this.tls = b.tls;
    this.accessLog = b.accessLog;
    this.auditFile = b.auditFile;
    this.audit = b.audit;
    this.readiness = b.readiness;
    this.uploads = b.uploads;
    this.log = b.log;
  }

  /** What a start has opened so far: closed in reverse order when a later step fails. */
  private static final class Builder {
    final Deque<AutoCloseable> opened = new ArrayDeque<>();
    Vertx vertx;
    AuthSystem auth;
    StorageLock storageLock;
    List<ExecutorService> pools = new ArrayList<>();
    List<HttpServer> servers = new ArrayList<>();
    HttpServer metricsServer;
    RegistryStorage storage;
    int port;
    int metricsPort = -1;
    ServerTls tls;
    AccessLog accessLog;
    FileAuditLog auditFile;
    AuditLog audit;
    Readiness readiness;
    RegistryRequestHandler.Uploads uploads;
    Consumer<String> log;
    /** How the user runs the client, for the first start's login hint. */
    String clientCommand = "berth";

    void closeAll() {
      while (!opened.isEmpty()) {
        try {
          opened.pop().close();
        } catch (Exception ignored) {
          // the start fails anyway; its message says why
        }
      }
    }
  }

  /**
   * Starts the registry and returns once it accepts connections.
   *
   * @throws ServerStartException with a one-line message (bad users file, bad certificate, port in
   *     use, ...)
   */
  public static RegistryServer start(ServerConfig config, PrintStream out) {
    return start(config, out, "berth");
  }

  /**
   * @param clientCommand how the user runs the client ({@code berth}, {@code ./berth}), for the
   *     login hint printed on first start
   */
  public static RegistryServer start(ServerConfig config, PrintStream out, String clientCommand) {
    Builder b = new Builder();
    b.clientCommand = clientCommand;
    b.log = line -> {
      out.println(line);
      out.flush();
    };
    // Before anything else touches the storage: one process at a time (see StorageLock).
    try {
      b.storageLock = StorageLock.acquire(new StorageLayout(config.storage()),
          "berth serve on " + hostPort(config.host(), config.port()));
    } catch (StorageLock.BusyException e) {
      throw new ServerStartException(e.getMessage(), e);
    }
    b.opened.push(b.storageLock);
    String adminPassword = null;
    try {
      SafeLogging.prepare();
      ObserveSettings observe = config.observe();
      Metrics metrics = observe.metrics() ? new PrometheusMetrics() : Metrics.NONE;
      openLogs(b, observe, out);
      b.audit = metrics.counting(b.auditFile == null ? AuditLog.NONE : b.auditFile);
      ServerLimits limits = config.limits();
      b.storage = RegistryStorage.open(config.storage(), new UploadLimits(limits.uploadsPerUser(), limits.uploadsTotal()));
      b.readiness = new Readiness(b.storage.layout().root(), b.storageLock);
      if (config.tls().enabled()) {
        b.tls = ServerTls.open(config.tls(), b.storage.layout().tlsDir(), config.host(), b.log);
      }
      // only the default users file is created (with an admin); a named one must exist
      adminPassword = config.auth().usersFileGiven() ? null : AdminBootstrap.ensureUsersFile(config.htpasswd());
      int purged = b.storage.uploads().purge(config.uploadMaxAge());
      if (purged > 0) {
        b.log.accept("purged " + purged + " abandoned upload session(s)");
      }
      ExecutorService uploadWorkers = Executors.newCachedThreadPool(daemon("berth-upload"));
      b.pools.add(uploadWorkers);
      b.opened.push(uploadWorkers::shutdownNow);
      // the token realm is where the client reached us: the port is known once bound
      AtomicReference<String> boundAuthority = new AtomicReference<>(loginAddress(config.host(), config.port()));
      b.auth = AuthSystem.open(config.auth(), b.storage.layout(), config.htpasswd(),
          realms(config.auth(), boundAuthority, b.tls != null), b.log, b.audit);
      b.opened.push(b.auth);
      VertxOptions vertxOptions = new VertxOptions()
          .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
      b.vertx = Vertx.builder().with(vertxOptions).withTransport(new ReadSizingTransport()).build();
      Vertx vertx = b.vertx;
      b.opened.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      ErrorMapper errors = new ErrorMapper(out);
      b.uploads = new RegistryRequestHandler.Uploads(metrics);
      RegistryRequestHandler registry = new RegistryRequestHandler(vertx, b.storage, b.auth.controller(), errors,
          config.deleteEnabled(), uploadWorkers, new BodyRate(limits.minBodyRate(), limits.bodyRateWindow()),
          b.uploads, b.audit);
      ConnectionGuard guard = new ConnectionGuard(limits.maxConnections(), limits.headerTimeout(), errors, out);
      RequestObserver observer = new RequestObserver(b.accessLog, metrics);
      boolean metricsHere = observe.metrics() && observe.metricsHost() == null;
      ServerTls tls = b.tls;
      OpenEndpoints open = new OpenEndpoints(new HealthCheck(b.readiness, vertx),
          tls != null && tls.caPem() != null ? tls::caPem : null, metricsHere ? metrics : null,
          observe.metricsToken(), vertx);
      RequestRouter router = new RequestRouter(observer, open,
          guard, registry, b.auth.tokenService() == null ? null : new TokenEndpoint(b.auth.tokenService(), vertx));
      listen(b, config, router, guard);
      boundAuthority.set(loginAddress(config.host(), b.port));
      if (observe.metrics() && observe.metricsHost() != null) {
        listenForMetrics(b, observe, metrics);
      }
      metrics.gauge("berth.connections", "Connections open", guard::open);
      RegistryStorage storage = b.storage;
      metrics.gauge("berth.upload.sessions", "Upload sessions open", () -> storage.uploads().openSessions());
      schedule(b, config, metrics);
    } catch (ServerStartException e) {
      forgetUnshownPassword(config, adminPassword);
      b.closeAll();
      throw e;
    } catch (RuntimeException e) {
      // a bad certificate, users or rules file, an unreadable auth store: one line, as before
      forgetUnshownPassword(config, adminPassword);
      b.closeAll();
      throw new ServerStartException(e instanceof TlsException || e.getMessage() != null ? e.getMessage()
          : e.toString(), e);
    }
    printStart(b, config, adminPassword);
    return new RegistryServer(b);
  }

  private static void openLogs(Builder b, ObserveSettings observe, PrintStream out) {
    if (observe.auditLog() != null) {
      b.auditFile = FileAuditLog.open(observe.auditLog(), "server", null, b.log);
      if (!b.auditFile.ready()) {
        throw new ServerStartException("cannot open the audit log " + observe.auditLog()
            + " for appending (see the line above; --audit-log off turns it off)", null);
      }
      b.opened.push(b.auditFile);
    }
    if (observe.accessLog() != null) {
      try {
        b.accessLog = AccessLog.open(observe.accessLog(), observe.accessLogFormat(), out, b.log);
      } catch (IOException e) {
        throw new ServerStartException("cannot open the access log " + observe.accessLog() + ": " + e.getMessage(), e);
      }
      b.opened.push(b.accessLog);
    }
  }

  private static void listen(Builder b, ServerConfig config, RequestRouter router, ConnectionGuard guard) {
    try {
      // One server per event loop, sharing the port: Vert.x spreads connections over them. A
      // random port is shared by asking for the same negative number (Vert.x's convention).
      int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
      int asked = config.port() == 0 ? -1 : config.port();
      for (int i = 0; i < instances; i++) {
        b.servers.add(listen(b.vertx, router, guard, config.host(), asked, b.tls));
      }
      b.port = b.servers.getFirst().actualPort();
    } catch (Exception e) {
      throw new ServerStartException("cannot listen on " + hostPort(config.host(), config.port()) + ": "
          + describe(e), e);
    }
  }

  private static void listenForMetrics(Builder b, ObserveSettings observe, Metrics metrics) {
    OpenEndpoints onlyMetrics = new OpenEndpoints(null, null, metrics, observe.metricsToken(), b.vertx);
    RequestObserver quiet = new RequestObserver(null, Metrics.NONE);
    Handler<HttpServerRequest> handler = request -> {
      var rec = quiet.begin(request);
      if (!onlyMetrics.handle(request, rec)) {
        request.response().setStatusCode(404).putHeader("Content-Length", "0").end();
      }
    };
    try {
      b.metricsServer = b.vertx.createHttpServer(new HttpServerOptions().setHost(observe.metricsHost())
              .setPort(observe.metricsPort()).setIdleTimeout(300).setIdleTimeoutUnit(TimeUnit.SECONDS))
          .requestHandler(handler).listen().toCompletionStage().toCompletableFuture().get();
      b.metricsPort = b.metricsServer.actualPort();
    } catch (Exception e) {
      throw new ServerStartException("cannot listen for metrics on "
          + hostPort(observe.metricsHost(), observe.metricsPort()) + ": " + describe(e), e);
    }
  }

  private static void schedule(Builder b, ServerConfig config, Metrics metrics) {
    Vertx vertx = b.vertx;
    AuthSystem auth = b.auth;
    RegistryStorage storage = b.storage;
    Consumer<String> log = b.log;
    ServerTls tls = b.tls;
    List<HttpServer> servers = b.servers;
    // users, rules, keys and revocations changed by other processes apply within a second; so do
    // renewed certificate files
    vertx.setPeriodic(1000, id -> vertx.executeBlocking(() -> {
      auth.poll();
      if (tls != null && tls.refresh(false)) {
        updateTls(servers, tls, log);
      }
      return null;
    }, false).onFailure(e -> log.accept("warning: cannot read the auth state: " + e.getMessage())));
    long everyHour = TimeUnit.HOURS.toMillis(1);
    vertx.setPeriodic(Math.min(everyHour, Math.max(1000, config.uploadMaxAge().toMillis())), id ->
        vertx.executeBlocking(() -> {
          storage.removeDebris(config.uploadMaxAge());
          return storage.uploads().purge(config.uploadMaxAge());
        }, false).onSuccess(n -> {
          if (n > 0) {
            log.accept("purged " + n + " abandoned upload session(s)");
          }
        }));
    if (metrics.enabled()) {
      Runnable measure = () -> vertx.executeBlocking(() -> storage.blobStore().usage(), false)
          .onSuccess(u -> metrics.storage(u.bytes(), u.blobs()));
      vertx.setTimer(1000, id -> measure.run());
      vertx.setPeriodic(STORAGE_MEASURE_MILLIS, id -> measure.run());
    }
    if (config.gcInterval() != null) {
      vertx.setPeriodic(config.gcInterval().toMillis(), id ->
          vertx.executeBlocking(() -> storage.garbageCollector().collect(config.uploadMaxAge(), false), false)
              .onSuccess(r -> {
                metrics.gcRun(r.deleted().size(), r.deletedBytes());
                if (!r.deleted().isEmpty()) {
                  log.accept("garbage collection removed " + r.deleted().size() + " unreferenced blob(s)");
                  if (metrics.enabled()) {
                    BlobStore.Usage u = storage.blobStore().usage();
                    metrics.storage(u.bytes(), u.blobs());
                  }
                }
              })
              .onFailure(e -> log.accept("warning: garbage collection failed: " + e.getMessage())));
    }
  }

  private static void printStart(Builder b, ServerConfig config, String adminPassword) {
    Consumer<String> out = b.log;
    String address = hostPort(config.host(), b.port);
    String login = loginAddress(config.host(), b.port);
    if (adminPassword != null) {
      out.accept("created users file " + config.htpasswd() + " with user " + AdminBootstrap.USER
          + " and a random password, shown only this once; log in with:");
      out.accept("  " + AdminBootstrap.loginHint(b.clientCommand, login, adminPassword));
    }
    if (config.auth().mode() == AuthSettings.Mode.NONE) {
      out.accept("warning: --auth none: anyone who can reach " + address + " may pull, push and delete");
    }
    ServerTls tls = b.tls;
    if (tls == null && !isLoopback(config.host())) {
      out.accept("warning: serving plain HTTP on " + address + " without TLS: passwords and images cross"
          + " the network in clear text, and docker, podman and skopeo refuse it unless told the registry is"
          + " insecure; run with --tls auto (or --tls-cert and --tls-key)");
    }
    if (tls != null) {
      out.accept("TLS: " + tls.engineName() + ", certificate for " + String.join(", ", tls.names()) + " (expires "
          + tls.expires() + ")" + (tls.mutual() ? "; client certificates required" : ""));
      if (tls.caFingerprint() != null) {
        String trustHost = trustHost(config, tls, b.port);
        out.accept("TLS: Berth's own CA " + b.storage.layout().tlsDir().resolve("ca.crt") + ", SHA-256 fingerprint "
            + tls.caFingerprint());
        out.accept("TLS: on each client machine, trust it with:");
        out.accept("  " + b.clientCommand + " trust https://" + trustHost + " --fingerprint " + tls.caFingerprint());
      }
    }
    if (b.metricsServer != null) {
      out.accept("metrics on http://" + hostPort(config.observe().metricsHost(), b.metricsPort) + "/metrics");
    }
    out.accept("berth registry listening on " + (tls != null ? "https://" : "http://") + address
        + " (storage " + b.storage.layout().root() + ")");
  }

  /** The address a client machine reaches: a --hostname, else the bound address, else the host name. */
  private static String trustHost(ServerConfig config, ServerTls tls, int port) {
    if (!config.tls().hostnames().isEmpty()) {
      return hostPort(config.tls().hostnames().getFirst(), port);
    }
    boolean wildcard = config.host().equals("0.0.0.0") || config.host().equals("::");
    if (!wildcard) {
      return hostPort(config.host(), port);
    }
    try {
      return hostPort(InetAddress.getLocalHost().getHostName(), port);
    } catch (UnknownHostException e) {
      return loginAddress(config.host(), port);
    }
  }

  /**
   * A users file this start created is removed when the start fails before its password was
   * printed: otherwise nobody could ever log in, and the next start would not offer a new one.
   */
  private static void forgetUnshownPassword(ServerConfig config, String adminPassword) {
    if (adminPassword != null) {
      try {
        java.nio.file.Files.deleteIfExists(config.htpasswd());
      } catch (IOException e) {
        // the start fails anyway; the message says why
      }
    }
  }

  private static final java.util.regex.Pattern HOST_HEADER =
      java.util.regex.Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?");

  /**
   * The token endpoint's URL for a request: the configured realm, else {@code http(s)://<Host>/token}
   * (a Host header that is not a plain host[:port] falls back to the bound address).
   */
  static Function<String, String> realms(AuthSettings settings, AtomicReference<String> bound, boolean tls) {
    if (settings.realm() != null) {
      return host -> settings.realm();
    }
    String scheme = tls ? "https://" : "http://";
    return host -> scheme + (host != null && HOST_HEADER.matcher(host).matches() ? host : bound.get())
        + TokenEndpoint.PATH;
  }

  private static HttpServer listen(Vertx vertx, RequestRouter handler, ConnectionGuard guard, String host,
      int port, ServerTls tls) throws InterruptedException, ExecutionException {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setTcpNoDelay(true)
        .setHttp2ClearTextEnabled(false) // registries speak HTTP/1.1; no h2c upgrade surprises
        // Bigger body pieces than the 8 KiB default: fewer hash calls and write syscalls per GiB.
        // (Not setReceiveBufferSize: Vert.x then allocates that much for every socket read, which
        // measured at half the small-blob GET rate for ~10 % less upload CPU.)
        .setMaxChunkSize(256 * 1024)
        .setCompressionSupported(false)
        .setHandle100ContinueAutomatically(false)
        .setIdleTimeout(300)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (tls != null) {
      var ssl = tls.options();
      options.setSsl(true).setUseAlpn(false).setSslEngineOptions(tls.engine())
          .setKeyCertOptions(ssl.getKeyCertOptions())
          .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
      if (ssl.getTrustOptions() != null) {
        options.setTrustOptions(ssl.getTrustOptions()).setClientAuth(ssl.getClientAuth());
      }
    }
    return vertx.createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(handler)
        .listen().toCompletionStage().toCompletableFuture().get();
  }

  private static void updateTls(List<HttpServer> servers, ServerTls tls, Consumer<String> log) {
    for (HttpServer s : servers) {
      s.updateSSLOptions(tls.options(), true)
          .onFailure(e -> log.accept("warning: cannot apply the new TLS certificate: " + e.getMessage()));
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The port actually bound (useful when 0 was asked). */
  public int port() {
    return port;
  }

  /** The metrics listener's port, or -1 when metrics are served on the registry's own listener (or off). */
  public int metricsPort() {
    return metricsPort;
  }

  public RegistryStorage storage() {
    return storage;
  }

  public AuthSystem auth() {
    return auth;
  }

  /**
   * SIGHUP: re-reads users, rules, signing keys and the TLS certificate now, and reopens the log
   * files (after a rotation). Blocking.
   */
  public void reload() {
    auth.reload();
    if (tls != null && tls.refresh(true)) {
      updateTls(servers, tls, log);
    }
    if (accessLog != null) {
      accessLog.reopen();
    }
    audit.reopen();
    log.accept("reloaded: users " + auth.usersFile() + ", rules " + auth.rulesFile()
        + (tls != null ? ", TLS certificate" : "") + "; log files reopened");
  }

  /**
   * A graceful stop (SIGTERM): not ready from now on, no new connections; requests in flight may
   * finish until {@code timeout}, then their connections are closed. Upload sessions keep what
   * arrived (a cut upload resumes after a restart). Blocking; ends with {@link #close}.
   */
  public void shutdown(Duration timeout) {
    if (closed.get()) {
      return;
    }
    readiness.stopping();
    long t0 = System.nanoTime();
    List<Future<Void>> stops = new ArrayList<>();
    for (HttpServer s : servers) {
      stops.add(s.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
    try {
      Future.join(stops).toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // connections past the deadline are closed by close() below
    }
    // the writers of uploads cut at the deadline close on worker threads: wait for them, so the
    // bytes that arrived are on disk when the process exits
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (uploads.active() > 0 && System.nanoTime() < waitUntil) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    log.accept("stopped after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    close();
  }

  /** Stops accepting, closes connections and threads; waits for that to finish. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing is best effort: the process is usually exiting anyway
    } finally {
      pools.forEach(ExecutorService::shutdownNow);
      auth.close();
      if (accessLog != null) {
        accessLog.close();
      }
      if (auditFile != null) {
        auditFile.close();
      }
      storageLock.close();
    }
  }

  private static String describe(Exception e) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof BindException || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("address already in use")) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("in use")) {
        return "address already in use";
      }
      if (m.contains("assign") || m.contains("not available")) {
        return "address not available on this machine";
      }
      if (m.contains("permission")) {
        return "permission denied";
      }
    }
    if (t instanceof UnknownHostException) {
      return "unknown host";
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message.toLowerCase(Locale.ROOT);
  }

  static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Where a local user logs in: a wildcard bind is reachable on loopback. */
  private static String loginAddress(String host, int port) {
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      return "127.0.0.1:" + port;
    }
    return hostPort(host, port);
  }

  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
