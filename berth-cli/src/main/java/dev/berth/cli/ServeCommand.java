package dev.berth.cli;

import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.ServerStartException;
import dev.berth.server.config.ConfigException;
import dev.berth.server.config.ConfigValues;
import dev.berth.server.config.ServeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth serve}: runs the registry in the foreground until it is stopped (SIGTERM or
 * Ctrl-C: requests in flight may finish within {@code --shutdown-timeout}, then exit 0; SIGHUP
 * reloads users, rules and certificates). Every option can also come from {@code --config FILE}
 * (YAML) or a {@code BERTH_…} variable: flags win over the environment, which wins over the file
 * ({@link ServeSettings} has the table). On first start it creates the users file with an
 * {@code admin} account and prints how to log in.
 */
@Command(
    name = "serve",
    description = {
      "Run the registry (the OCI distribution API) with revocable logins.",
      "",
      "Logins (--auth token, the default): 'docker login' and 'berth login' get a refresh token from the"
          + " registry and keep it instead of the password; each request then carries a short-lived access"
          + " token (5 minutes) limited to what the access rules allow. 'berth logout' revokes the refresh"
          + " token at the registry, so a copied config.json stops working too; revoking a token, changing"
          + " a password or removing a user (berth user, berth token) ends the access of every token"
          + " minted from it at once.",
      "Users: an htpasswd file (bcrypt), kept with 'berth user' or 'htpasswd -B'. Personal access tokens"
          + " ('berth token create') work as passwords, limited to their scopes.",
      "Rules: <storage>/access.yml (or --rules) says who may pull, push or delete which repositories,"
          + " including anonymous pull; by default authenticated users may pull and push, and anonymous"
          + " clients nothing. Edits apply within a second.",
      "TLS: --tls auto makes a private CA and a certificate (kept in <storage>/tls) and prints the"
          + " 'berth trust' command that makes docker, podman, skopeo and berth trust it.",
      "Configuration: every option can be set in a YAML file (--config) or a BERTH_... variable;"
          + " --print-config shows the effective values, where each came from, and the keys.",
      ""},
    footer = {
        "",
        "Signals: SIGTERM or Ctrl-C stops accepting connections and lets requests in flight",
        "finish within --shutdown-timeout (an upload cut then resumes after a restart), then",
        "exits 0; a second one stops at once. SIGHUP reloads users, rules and the TLS",
        "certificate and reopens the log files.",
        "",
        "What frees disk space, and when:",
        "  DELETE of a blob unlinks it from its repository; DELETE of a manifest",
        "  removes it and its tags. The bytes stay until a garbage collection:",
        "  - with --gc-every, while serving: a blob no repository links and no",
        "    manifest references (deleted) goes at the next run; one still linked",
        "    but in no manifest once unused for --purge-uploads-after (a push may",
        "    be about to put its manifest);",
        "  - otherwise 'berth gc', offline, with the same rules.",
        "  Abandoned upload sessions go after --purge-uploads-after."})
final class ServeCommand implements Callable<Integer> {
  /** The config file when no --config is given (the packaged service sets it). */
  static final String CONFIG_ENV = "BERTH_CONFIG";

  private final CliContext context;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Read settings from this YAML file (keys as in CNCF distribution's config.yml where they overlap;"
          + " see --print-config). Default: $" + CONFIG_ENV + ", else none.")
  Path config;

  @Option(names = "--print-config", description = "Print the effective configuration (secrets masked) and exit.")
  boolean printConfig;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Address to listen on (default: 127.0.0.1:5000). Other than loopback, use --tls auto or a certificate.")
  String listen;

  @Option(names = "--storage", paramLabel = "DIR",
      description = "Storage directory (default: $XDG_DATA_HOME/berth/registry).")
  Path storage;

  @Option(names = "--hostname", paramLabel = "NAME",
      description = "A name clients use to reach the registry, covered by the --tls auto certificate (repeatable;"
          + " the listen address and this machine's host name always are).")
  List<String> hostnames;

  @Option(names = "--tls", paramLabel = "auto|off",
      description = "auto: a private CA and server certificate made on first start, kept in <storage>/tls;"
          + " clients trust it with 'berth trust https://HOST:PORT'. Default: off (unless a certificate is given).")
  String tls;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "TLS certificate (PEM, with its chain); reloaded when the file changes.")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "TLS private key (PEM); reloaded when the file changes.")
  String tlsKey;

  @Option(names = "--tls-client-ca", paramLabel = "FILE",
      description = "Require client certificates signed by these CAs (PEM bundle; repeatable): mutual TLS.")
  List<String> tlsClientCas;

  @Option(names = "--tls-engine", paramLabel = "auto|openssl|jdk",
      description = "TLS implementation: BoringSSL (openssl) when it loads, else the JDK's (default: auto).")
  String tlsEngine;

  @Option(names = "--shutdown-timeout", paramLabel = "DURATION",
      description = "On SIGTERM, how long requests in flight may take to finish (default: 30s).")
  String shutdownTimeout;

  @Option(names = "--htpasswd", paramLabel = "FILE",
      description = "Users file, bcrypt entries as written by 'htpasswd -B' or 'berth user' (default:"
          + " <storage>/htpasswd, created with a random admin password if missing; a file named here must exist).")
  String htpasswd;

  @Option(names = "--auth", paramLabel = "MODE",
      description = "token: bearer tokens from the built-in token service, revocable logins (default);"
          + " basic: HTTP Basic on every request; none: no authentication at all (anyone may push and delete).")
  String auth;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Access rules (YAML) (default: <storage>/access.yml, created on first start).")
  String rules;

  @Option(names = "--token-realm", paramLabel = "URL",
      description = "The token endpoint's URL as clients reach it (default: http(s)://<the Host they used>/token).")
  String tokenRealm;

  @Option(names = "--token-service", paramLabel = "NAME",
      description = "The token service name (the tokens' audience) (default: berth).")
  String tokenService;

  @Option(names = "--no-delete", description = "Refuse DELETE of manifests, tags and blobs (405 UNSUPPORTED).")
  boolean noDelete;

  @Option(names = "--purge-uploads-after", paramLabel = "DURATION",
      description = "Remove upload sessions abandoned for this long, e.g. 30m, 24h, 7d (default: 24h).")
  String purgeUploadsAfter;

  @Option(names = "--gc-every", paramLabel = "DURATION",
      description = "Collect garbage this often while serving (e.g. 1h): deleted blobs go at the next run,"
          + " linked blobs no manifest references once unused for --purge-uploads-after. Default: never.")
  String gcEvery;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Connections served at once; past it, 503 (a few more are kept for /healthz and /readyz)."
          + " Default: half of what the file-descriptor limit leaves.")
  String maxConnections;

  @Option(names = "--header-timeout", paramLabel = "DURATION",
      description = "Close connections whose request headers take longer than this (default: 15s).")
  String headerTimeout;

  @Option(names = "--min-body-rate", paramLabel = "BYTES",
      description = "Close uploads slower than this many bytes/s over 30 s; the session keeps what arrived"
          + " (default: 1024; 0: no minimum).")
  String minBodyRate;

  @Option(names = "--max-uploads-per-user", paramLabel = "N",
      description = "Upload sessions one user may have open; past it, 429 (default: 100).")
  String maxUploadsPerUser;

  @Option(names = "--max-uploads", paramLabel = "N",
      description = "Upload sessions open at once, all users together (default: 10000).")
  String maxUploads;

  @Option(names = "--access-log", paramLabel = "FILE|-|off",
      description = "One line per request (request id, user, repository, method, route, status, bytes, duration):"
          + " - for the server's output (default), a file (reopened on SIGHUP), or off.")
  String accessLog;

  @Option(names = "--access-log-format", paramLabel = "json|clf",
      description = "json (default) or the common log format.")
  String accessLogFormat;

  @Option(names = "--audit-log", paramLabel = "FILE|off",
      description = "Security events, appended: logins good and bad, tokens issued and revoked, user changes, pushes"
          + " and deletes of tags with digests (default: <storage>/audit.log; berth user and berth token append to"
          + " it too).")
  String auditLog;

  @Option(names = "--no-metrics", description = "Do not serve Prometheus metrics at /metrics.")
  boolean noMetrics;

  @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
      description = "Serve /metrics on a listener of its own (plain HTTP) instead of the registry's.")
  String metricsListen;

  public ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ServerConfig config;
    try {
      ConfigValues values = ServeSettings.load(configFile(), context.env(), ServeSettings.flags(givenFlags()),
          context.dataHome().resolve("registry"));
      if (printConfig) {
        context.out().print(ServeSettings.print(values));
        context.out().flush();
        ServeSettings.resolve(values); // and say what is wrong with it, if anything
        return 0;
      }
      config = ServeSettings.resolve(values);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2);
    }
    RegistryServer server;
    try {
      server = RegistryServer.start(config, context.out(), context.commandName());
    } catch (ServerStartException e) {
      throw new UserError(e.getMessage());
    }
    return serve(server, config.shutdownTimeout());
  }

  private Path configFile() {
    if (config != null) {
      return config;
    }
    String env = context.env(CONFIG_ENV);
    return env == null ? null : Path.of(env);
  }

  /** The flags given on the command line, by name, as the settings table knows them. */
  private Map<String, Object> givenFlags() {
    Map<String, Object> given = new LinkedHashMap<>();
    put(given, "--listen", listen);
    put(given, "--storage", storage == null ? null : storage.toString());
    put(given, "--hostname", hostnames);
    if (tls != null) {
      given.put("--tls", switch (tls.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "auto" -> "true";
        case "off" -> "false";
        default -> throw new UserError("invalid value for --tls: '" + tls + "' (expected auto or off)", 2);
      });
    }
    put(given, "--tls-cert", tlsCert);
    put(given, "--tls-key", tlsKey);
    put(given, "--tls-client-ca", tlsClientCas);
    put(given, "--tls-engine", tlsEngine);
    put(given, "--shutdown-timeout", shutdownTimeout);
    put(given, "--htpasswd", htpasswd);
    put(given, "--auth", auth);
    put(given, "--rules", rules);
    put(given, "--token-realm", tokenRealm);
    put(given, "--token-service", tokenService);
    put(given, "--no-delete", noDelete ? "false" : null);
    put(given, "--purge-uploads-after", purgeUploadsAfter);
    put(given, "--gc-every", gcEvery);
    put(given, "--max-connections", maxConnections);
    put(given, "--header-timeout", headerTimeout);
    put(given, "--min-body-rate", minBodyRate);
    put(given, "--max-uploads-per-user", maxUploadsPerUser);
    put(given, "--max-uploads", maxUploads);
    put(given, "--access-log", accessLog);
    put(given, "--access-log-format", accessLogFormat);
    put(given, "--audit-log", auditLog);
    put(given, "--no-metrics", noMetrics ? "false" : null);
    put(given, "--metrics-listen", metricsListen);
    return given;
  }

  private static void put(Map<String, Object> given, String flag, Object value) {
    if (value != null) {
      given.put(flag, value);
    }
  }

  /**
   * Serves until a signal (or, embedded, an interrupt) stops the server. The first TERM or INT
   * stops gracefully; a second one while that runs stops at once.
   */
  private int serve(RegistryServer server, Duration shutdownTimeout) {
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "berth-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Signals signals = Signals.install(signal -> {
      if (!stopping.compareAndSet(false, true)) {
        context.out().println("received SIG" + signal + " again: stopping now");
        context.out().flush();
        Runtime.getRuntime().halt(1);
      }
      context.out().println("received SIG" + signal + ": stopping; requests in flight may finish within "
          + shutdownTimeout.toMillis() / 1000.0 + " s");
      context.out().flush();
      Thread stopper = new Thread(() -> {
        server.shutdown(shutdownTimeout);
        stopped.countDown();
      }, "berth-serve-stop");
      stopper.start();
    }, () -> {
      try {
        server.reload();
      } catch (RuntimeException e) {
        context.out().println("warning: reload failed: " + e.getMessage());
        context.out().flush();
      }
    });
    try {
      stopped.await();
      return 0;
    } catch (InterruptedException e) {
      // Embedded use (tests): an interrupt stops the server like a signal would.
      server.close();
      Thread.currentThread().interrupt();
      return 130;
    } finally {
      signals.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs, harmlessly (close is idempotent)
      }
    }
  }

  /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}. */
  static Duration parseAge(String option, String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})([smhd])").matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new UserError("invalid value for " + option + ": '" + text + "' (expected e.g. 30m, 24h, 7d)", 2);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
