package dev.berth.cli;

import dev.berth.server.RegistryServer;
import dev.berth.server.auth.AuthSettings;
import dev.berth.server.ServerConfig;
import dev.berth.server.ServerLimits;
import dev.berth.server.ServerStartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth serve}: runs the registry in the foreground until the process is stopped. On first
 * start it creates the users file with an {@code admin} account and prints how to log in.
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
      ""},
    footer = {
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
  private final CliContext context;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:5000",
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Non-loopback addresses serve plain HTTP: use a TLS proxy.")
  String listen;

  @Mixin
  StorageOption storage = new StorageOption();

  @Option(names = "--htpasswd", paramLabel = "FILE",
      description = "Users file, bcrypt entries as written by 'htpasswd -B' or 'berth user' (default:"
          + " <storage>/htpasswd, created with a random admin password if missing; a file named here must exist).")
  Path htpasswd;

  @Option(names = "--auth", paramLabel = "MODE", defaultValue = "token",
      description = "token: bearer tokens from the built-in token service, revocable logins (default);"
          + " basic: HTTP Basic on every request; none: no authentication at all (anyone may push and delete).")
  String auth;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Access rules (YAML) (default: <storage>/access.yml, created on first start).")
  Path rules;

  @Option(names = "--token-realm", paramLabel = "URL",
      description = "The token endpoint's URL as clients reach it (default: http://<the Host they used>/token).")
  String tokenRealm;

  @Option(names = "--token-service", paramLabel = "NAME", defaultValue = AuthSettings.DEFAULT_SERVICE,
      description = "The token service name (the tokens' audience) (default: ${DEFAULT-VALUE}).")
  String tokenService;

  @Option(names = "--no-delete", description = "Refuse DELETE of manifests, tags and blobs (405 UNSUPPORTED).")
  boolean noDelete;

  @Option(names = "--purge-uploads-after", paramLabel = "DURATION", defaultValue = "24h",
      description = "Remove upload sessions abandoned for this long, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE}).")
  String purgeUploadsAfter;

  @Option(names = "--gc-every", paramLabel = "DURATION",
      description = "Collect garbage this often while serving (e.g. 1h): deleted blobs go at the next run,"
          + " linked blobs no manifest references once unused for --purge-uploads-after. Default: never.")
  String gcEvery;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Connections served at once; past it, 503 (a few more are kept for /healthz)."
          + " Default: half of what the file-descriptor limit leaves (here: ${DEFAULT-VALUE}).")
  int maxConnections = ServerLimits.DEFAULTS.maxConnections();

  @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "15s",
      description = "Close connections whose request headers take longer than this (default: ${DEFAULT-VALUE}).")
  String headerTimeout;

  @Option(names = "--min-body-rate", paramLabel = "BYTES",
      description = "Close uploads slower than this many bytes/s over 30 s; the session keeps what arrived"
          + " (default: ${DEFAULT-VALUE}; 0: no minimum).")
  long minBodyRate = ServerLimits.DEFAULT_MIN_BODY_RATE;

  @Option(names = "--max-uploads-per-user", paramLabel = "N",
      description = "Upload sessions one user may have open; past it, 429 (default: ${DEFAULT-VALUE}).")
  int maxUploadsPerUser = ServerLimits.DEFAULT_UPLOADS_PER_USER;

  @Option(names = "--max-uploads", paramLabel = "N",
      description = "Upload sessions open at once, all users together (default: ${DEFAULT-VALUE}).")
  int maxUploads = ServerLimits.DEFAULT_UPLOADS_TOTAL;

  public ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    HostPort address = HostPort.parse(listen);
    Path root = storage.resolve(context);
    AuthSettings authSettings;
    try {
      authSettings = new AuthSettings(AuthSettings.Mode.parse(auth), htpasswd != null, rules, tokenRealm,
          tokenService, null, null, null);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2);
    }
    ServerLimits limits = new ServerLimits(positive("--max-connections", maxConnections),
        parseAge("--header-timeout", headerTimeout), notNegative("--min-body-rate", minBodyRate),
        ServerLimits.DEFAULT_BODY_RATE_WINDOW, positive("--max-uploads-per-user", maxUploadsPerUser),
        positive("--max-uploads", maxUploads));
    ServerConfig config = new ServerConfig(address.host(), address.port(), root, htpasswd, !noDelete,
        parseAge("--purge-uploads-after", purgeUploadsAfter), gcEvery == null ? null : parseAge("--gc-every", gcEvery),
        limits, authSettings);
    RegistryServer server;
    try {
      server = RegistryServer.start(config, context.out());
    } catch (ServerStartException e) {
      throw new UserError(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "berth-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
      return 0;
    } catch (InterruptedException e) {
      // Embedded use (tests): an interrupt stops the server like a signal would.
      Runtime.getRuntime().removeShutdownHook(hook);
      server.close();
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private static int positive(String option, int n) {
    if (n < 1) {
      throw new UserError("invalid value for " + option + ": '" + n + "' (expected a number of at least 1)", 2);
    }
    return n;
  }

  private static long notNegative(String option, long n) {
    if (n < 0) {
      throw new UserError("invalid value for " + option + ": '" + n + "' (expected 0 or more)", 2);
    }
    return n;
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

  /** {@code HOST:PORT} or {@code [IPv6]:PORT}; errors name the bad value. */
  record HostPort(String host, int port) {
    static HostPort parse(String text) {
      String host;
      String port;
      if (text.startsWith("[")) {
        int end = text.indexOf("]:");
        if (end < 0) {
          throw bad(text);
        }
        host = text.substring(1, end);
        port = text.substring(end + 2);
      } else {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || text.indexOf(':') != colon) {
          throw bad(text);
        }
        host = text.substring(0, colon);
        port = text.substring(colon + 1);
      }
      if (host.isBlank() || !host.matches("[A-Za-z0-9.:_-]+")) {
        throw bad(text);
      }
      try {
        int p = Integer.parseInt(port);
        if (p < 0 || p > 65535) {
          throw bad(text);
        }
        return new HostPort(host, p);
      } catch (NumberFormatException e) {
        throw bad(text);
      }
    }

    private static UserError bad(String text) {
      return new UserError("invalid value for --listen: '" + text + "' (expected HOST:PORT, e.g. 127.0.0.1:5000)", 2);
    }
  }
}
