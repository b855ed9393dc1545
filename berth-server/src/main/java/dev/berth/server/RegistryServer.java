package dev.berth.server;

import dev.berth.server.auth.AdminBootstrap;
import dev.berth.server.auth.AuthSettings;
import dev.berth.server.auth.AuthSystem;
import dev.berth.server.http.BodyRate;
import dev.berth.server.http.ConnectionGuard;
import dev.berth.server.http.ErrorMapper;
import dev.berth.server.http.HealthCheck;
import dev.berth.server.http.ReadSizingTransport;
import dev.berth.server.http.RegistryRequestHandler;
import dev.berth.server.http.RequestRouter;
import dev.berth.server.http.SafeLogging;
import dev.berth.server.http.TokenEndpoint;
import dev.berth.server.storage.RegistryStorage;
import dev.berth.server.storage.StorageLayout;
import dev.berth.server.storage.StorageLock;
import dev.berth.server.storage.UploadLimits;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The registry: storage, access control and the HTTP API on Vert.x, wired together.
 * {@link #start} returns once the port is bound, after printing one line with
 * {@code listening on http://HOST:PORT}; requests are served from then on.
 */
public final class RegistryServer implements AutoCloseable {
  static final String REALM = "Berth Registry";

  private final Vertx vertx;
  private final AuthSystem auth;
  private final StorageLock storageLock;
  private final List<ExecutorService> pools;
  private final List<HttpServer> servers;
  private final RegistryStorage storage;
  private final int port;

  private RegistryServer(Vertx vertx, List<ExecutorService> pools, List<HttpServer> servers,
      RegistryStorage storage, StorageLock storageLock, int port, AuthSystem auth) {
    this.auth = auth;
    this.storageLock = storageLock;
    this.vertx = vertx;
    this.pools = pools;
    this.servers = servers;
    this.storage = storage;
    this.port = port;
  }

  /**
   * Starts the registry and returns once it accepts connections.
   *
   * @throws ServerStartException with a one-line message (bad users file, port in use, ...)
   */
  public static RegistryServer start(ServerConfig config, PrintStream out) {
    RegistryStorage storage;
    String adminPassword;
    // Before anything else touches the storage: one process at a time (see StorageLock).
    StorageLock storageLock;
    try {
      storageLock = StorageLock.acquire(new StorageLayout(config.storage()),
          "berth serve on " + hostPort(config.host(), config.port()));
    } catch (StorageLock.BusyException e) {
      throw new ServerStartException(e.getMessage(), e);
    }
    SafeLogging.prepare();
    ServerLimits limits = config.limits();
    try {
      storage = RegistryStorage.open(config.storage(), new UploadLimits(limits.uploadsPerUser(), limits.uploadsTotal()));
      // only the default users file is created (with an admin); a named one must exist
      adminPassword = config.auth().usersFileGiven() ? null : AdminBootstrap.ensureUsersFile(config.htpasswd());
      int purged = storage.uploads().purge(config.uploadMaxAge());
      if (purged > 0) {
        out.println("purged " + purged + " abandoned upload session(s)");
      }
    } catch (UncheckedIOException e) {
      storageLock.close();
      throw new ServerStartException(e.getMessage(), e);
    }
    ExecutorService uploadWorkers = Executors.newCachedThreadPool(daemon("berth-upload"));
    // the token realm is where the client reached us: the port is known once bound
    java.util.concurrent.atomic.AtomicReference<String> boundAuthority =
        new java.util.concurrent.atomic.AtomicReference<>(loginAddress(config.host(), config.port()));
    AuthSystem auth;
    try {
      auth = AuthSystem.open(config.auth(), storage.layout(), config.htpasswd(),
          realms(config.auth(), boundAuthority), line -> {
            out.println(line);
            out.flush();
          });
    } catch (RuntimeException e) {
      uploadWorkers.shutdownNow();
      forgetUnshownPassword(config, adminPassword);
      storageLock.close();
      throw new ServerStartException(e.getMessage(), e);
    }
    VertxOptions vertxOptions = new VertxOptions()
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
    Vertx vertx = Vertx.builder().with(vertxOptions).withTransport(new ReadSizingTransport()).build();
    ErrorMapper errors = new ErrorMapper(out);
    RegistryRequestHandler registry = new RegistryRequestHandler(vertx, storage, auth.controller(), errors,
        config.deleteEnabled(), uploadWorkers, new BodyRate(limits.minBodyRate(), limits.bodyRateWindow()));
    RequestRouter handler = new RequestRouter(registry,
        auth.tokenService() == null ? null : new TokenEndpoint(auth.tokenService(), vertx));
    ConnectionGuard guard = new ConnectionGuard(limits.maxConnections(), limits.headerTimeout(), errors, out);
    List<HttpServer> servers = new ArrayList<>();
    int port;
    try {
      // One server per event loop, sharing the port: Vert.x spreads connections over them. A
      // random port is shared by asking for the same negative number (Vert.x's convention).
      int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
      int asked = config.port() == 0 ? -1 : config.port();
      for (int i = 0; i < instances; i++) {
        servers.add(listen(vertx, handler, guard, config.host(), asked));
      }
      port = servers.getFirst().actualPort();
      boundAuthority.set(loginAddress(config.host(), port));
    } catch (Exception e) {
      vertx.close();
      auth.close();
      uploadWorkers.shutdownNow();
      forgetUnshownPassword(config, adminPassword);
      storageLock.close();
      throw new ServerStartException("cannot listen on " + hostPort(config.host(), config.port()) + ": "
          + describe(e), e);
    }
    // users, rules, keys and revocations changed by other processes apply within a second
    vertx.setPeriodic(1000, id -> vertx.executeBlocking(() -> {
      auth.poll();
      return null;
    }, false).onFailure(e -> out.println("warning: cannot read the auth state: " + e.getMessage())));
    long everyHour = TimeUnit.HOURS.toMillis(1);
    vertx.setPeriodic(Math.min(everyHour, Math.max(1000, config.uploadMaxAge().toMillis())), id ->
        vertx.executeBlocking(() -> {
          storage.removeDebris(config.uploadMaxAge());
          return storage.uploads().purge(config.uploadMaxAge());
        }, false).onSuccess(n -> {
          if (n > 0) {
            out.println("purged " + n + " abandoned upload session(s)");
          }
        }));
    if (config.gcInterval() != null) {
      vertx.setPeriodic(config.gcInterval().toMillis(), id ->
          vertx.executeBlocking(() -> storage.garbageCollector().collect(config.uploadMaxAge(), false), false)
              .onSuccess(r -> {
                if (!r.deleted().isEmpty()) {
                  out.println("garbage collection removed " + r.deleted().size() + " unreferenced blob(s)");
                }
              })
              .onFailure(e -> out.println("warning: garbage collection failed: " + e.getMessage())));
    }
    String address = hostPort(config.host(), port);
    if (adminPassword != null) {
      out.println("created users file " + config.htpasswd() + " with user " + AdminBootstrap.USER
          + " and a random password, shown only this once; log in with:");
      out.println("  " + AdminBootstrap.loginHint(loginAddress(config.host(), port), adminPassword));
    }
    if (config.auth().mode() == AuthSettings.Mode.NONE) {
      out.println("warning: --auth none: anyone who can reach " + address + " may pull, push and delete");
    }
    if (!isLoopback(config.host())) {
      out.println("warning: serving plain HTTP on " + address + " without TLS: passwords and images cross"
          + " the network in clear text (bind 127.0.0.1 or put a TLS proxy in front)");
    }
    out.println("berth registry listening on http://" + address + " (storage " + storage.layout().root() + ")");
    out.flush();
    return new RegistryServer(vertx, List.of(uploadWorkers), servers, storage, storageLock, port, auth);
  }

  /**
   * A users file this start created is removed when the start fails before its password was
   * printed: otherwise nobody could ever log in, and the next start would not offer a new one.
   */
  private static void forgetUnshownPassword(ServerConfig config, String adminPassword) {
    if (adminPassword != null) {
      try {
        java.nio.file.Files.deleteIfExists(config.htpasswd());
      } catch (java.io.IOException e) {
        // the start fails anyway; the message below says why
      }
    }
  }

  private static final java.util.regex.Pattern HOST_HEADER =
      java.util.regex.Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?");

  /**
   * The token endpoint's URL for a request: the configured realm, else {@code http://<Host>/token}
   * (a Host header that is not a plain host[:port] falls back to the bound address).
   */
  private static java.util.function.Function<String, String> realms(AuthSettings settings,
      java.util.concurrent.atomic.AtomicReference<String> bound) {
    if (settings.realm() != null) {
      return host -> settings.realm();
    }
    return host -> "http://" + (host != null && HOST_HEADER.matcher(host).matches() ? host : bound.get())
        + TokenEndpoint.PATH;
  }

  private static HttpServer listen(Vertx vertx, RequestRouter handler, ConnectionGuard guard, String host,
      int port) throws InterruptedException, ExecutionException {
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
    return vertx.createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(HealthCheck.orElse(guard.requests(handler)))
        .listen().toCompletionStage().toCompletableFuture().get();
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

  public RegistryStorage storage() {
    return storage;
  }

  public AuthSystem auth() {
    return auth;
  }

  /** Stops accepting, closes connections and threads; waits for that to finish. */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing is best effort: the process is usually exiting anyway
    } finally {
      pools.forEach(ExecutorService::shutdownNow);
      auth.close();
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
