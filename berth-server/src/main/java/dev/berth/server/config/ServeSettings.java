package dev.berth.server.config;

import dev.berth.server.ServerConfig;
import dev.berth.server.ServerLimits;
import dev.berth.server.auth.AuthSettings;
import dev.berth.server.observe.ObserveSettings;
import dev.berth.server.tls.TlsSettings;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of {@code berth serve}, in one table: the YAML key (shaped like CNCF
 * distribution's {@code config.yml} where the two overlap), the flag and the environment variable.
 * {@link #resolve} turns merged {@link ConfigValues} into a {@link ServerConfig}, refusing any bad
 * value with one line that names where it came from.
 *
 * <pre>
 * version: 0.1
 * http:
 *   addr: 0.0.0.0:5000                # --listen
 *   hostnames: [registry.example]     # --hostname (more names for the automatic certificate)
 *   tls:
 *     auto: true                      # --tls auto: a private CA and certificate, kept in the storage
 *     certificate: /etc/ssl/berth.pem # --tls-cert, with its chain (instead of auto)
 *     key: /etc/ssl/berth.key         # --tls-key
 *     clientcas: [/etc/ssl/team.pem]  # --tls-client-ca: require client certificates (mutual TLS)
 *     engine: auto                    # --tls-engine auto|openssl|jdk
 *   shutdowntimeout: 30s              # --shutdown-timeout
 *   headertimeout: 15s                # --header-timeout
 *   minbodyrate: 1024                 # --min-body-rate
 *   maxconnections: 4000              # --max-connections
 * storage:
 *   filesystem: {rootdirectory: /var/lib/berth}   # --storage
 *   delete: {enabled: true}                       # --no-delete
 *   maintenance:
 *     uploadpurging: {age: 24h}                   # --purge-uploads-after
 *     gc: {interval: 1h}                          # --gc-every
 *   uploads: {maxperuser: 100, max: 10000}        # --max-uploads-per-user, --max-uploads
 * auth:
 *   mode: token                       # --auth token|basic|none
 *   htpasswd: {path: /var/lib/berth/htpasswd}     # --htpasswd
 *   rules: {path: /var/lib/berth/access.yml}      # --rules
 *   token: {realm: https://registry.example/token, service: berth}   # --token-realm, --token-service
 * log:
 *   accesslog: {path: "-", format: json}          # --access-log FILE|-|off, --access-log-format json|clf
 *   audit: {path: /var/log/berth/audit.log}       # --audit-log FILE|off
 * metrics:
 *   enabled: true                     # --no-metrics
 *   addr: 127.0.0.1:9090              # --metrics-listen: a listener of their own
 *   token: …                          # only in the file or BERTH_METRICS_TOKEN: a secret
 * </pre>
 */
public final class ServeSettings {
  public static final List<Setting> ALL = List.of(
      Setting.of("version", null, "0.1"),
      Setting.of("http.addr", "--listen", "127.0.0.1:5000"),
      Setting.list("http.hostnames", "--hostname"),
      Setting.of("http.tls.auto", "--tls", "false"),
      Setting.of("http.tls.certificate", "--tls-cert", null),
      Setting.of("http.tls.key", "--tls-key", null),
      Setting.list("http.tls.clientcas", "--tls-client-ca"),
      Setting.of("http.tls.engine", "--tls-engine", "auto"),
      Setting.of("http.shutdowntimeout", "--shutdown-timeout", "30s"),
      Setting.of("http.headertimeout", "--header-timeout", "15s"),
      Setting.of("http.minbodyrate", "--min-body-rate", Long.toString(ServerLimits.DEFAULT_MIN_BODY_RATE)),
      Setting.of("http.maxconnections", "--max-connections", null),
      Setting.of("storage.filesystem.rootdirectory", "--storage", null),
      Setting.of("storage.delete.enabled", "--no-delete", "true"),
      Setting.of("storage.maintenance.uploadpurging.age", "--purge-uploads-after", "24h"),
      Setting.of("storage.maintenance.gc.interval", "--gc-every", null),
      Setting.of("storage.uploads.maxperuser", "--max-uploads-per-user", Integer.toString(ServerLimits.DEFAULT_UPLOADS_PER_USER)),
      Setting.of("storage.uploads.max", "--max-uploads", Integer.toString(ServerLimits.DEFAULT_UPLOADS_TOTAL)),
      Setting.of("auth.mode", "--auth", "token"),
      Setting.of("auth.htpasswd.path", "--htpasswd", null),
      Setting.of("auth.rules.path", "--rules", null),
      Setting.of("auth.token.realm", "--token-realm", null),
      Setting.of("auth.token.service", "--token-service", AuthSettings.DEFAULT_SERVICE),
      Setting.of("log.accesslog.path", "--access-log", ObserveSettings.STDOUT),
      Setting.of("log.accesslog.format", "--access-log-format", "json"),
      Setting.of("log.audit.path", "--audit-log", null),
      Setting.of("metrics.enabled", "--no-metrics", "true"),
      Setting.of("metrics.addr", "--metrics-listen", null),
      Setting.secret("metrics.token"));

  /** The keys the admin commands ({@code berth user}, {@code berth token}) read from the same file. */
  public static final String STORAGE = "storage.filesystem.rootdirectory";
  public static final String USERS = "auth.htpasswd.path";
  public static final String AUDIT = "log.audit.path";

  private static final String DURATION_HINT = "expected e.g. 30m, 24h, 7d";
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
  private static final Pattern HOST_NAME = Pattern.compile(
      "(?=.{1,253}$)([A-Za-z0-9*]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IP = Pattern.compile("[0-9.]{7,15}|[0-9A-Fa-f:.]{2,45}");

  private ServeSettings() {}

  /** The setting a flag sets, or null. */
  public static Setting byFlag(String flag) {
    return ALL.stream().filter(s -> flag.equals(s.flag())).findFirst().orElse(null);
  }

  /**
   * Reads the sources and fills in the defaults that depend on other values (files in the
   * storage directory).
   *
   * @param defaultStorage the storage directory when no source names one
   */
  public static ConfigValues load(Path file, Map<String, String> env, Map<String, ConfigValues.Value> flags,
      Path defaultStorage) {
    ConfigValues values = ConfigValues.load(ALL, file, env, flags).withDefault(STORAGE, defaultStorage.toString());
    Path storage = new ServeSettings.Reader(values).path(STORAGE);
    return values.withDefault(USERS, storage.resolve("htpasswd").toString())
        .withDefault("auth.rules.path", storage.resolve("access.yml").toString())
        .withDefault(AUDIT, storage.resolve("audit.log").toString());
  }

  /** The server's configuration, every value checked. */
  public static ServerConfig resolve(ConfigValues values) {
    Reader r = new Reader(values);
    r.version();
    HostPort listen = r.hostPort("http.addr");
    Path storage = r.path(STORAGE);
    Path users = r.path(USERS);
    boolean usersGiven = r.given(USERS);
    Path rules = r.given("auth.rules.path") ? r.path("auth.rules.path") : null;

    AuthSettings.Mode mode = AuthSettings.Mode.valueOf(r.choice("auth.mode", "token", "basic", "none").toUpperCase(Locale.ROOT));
    String realm = r.text("auth.token.realm");
    if (realm != null && !(realm.startsWith("http://") || realm.startsWith("https://"))) {
      throw r.invalid("auth.token.realm", "expected an http:// or https:// URL");
    }
    String service = r.text("auth.token.service");
    if (service == null || service.isBlank() || service.contains("\"")) {
      throw r.invalid("auth.token.service", "expected a name without quotes");
    }
    AuthSettings auth = new AuthSettings(mode, usersGiven, rules, realm, service, null, null, null);

    ServerLimits limits = new ServerLimits(
        r.given("http.maxconnections") ? r.intAtLeast("http.maxconnections", 1) : 0,
        r.duration("http.headertimeout", false), r.longAtLeast("http.minbodyrate", 0),
        ServerLimits.DEFAULT_BODY_RATE_WINDOW, r.intAtLeast("storage.uploads.maxperuser", 1),
        r.intAtLeast("storage.uploads.max", 1));

    ServerConfig config = new ServerConfig(listen.host(), listen.port(), storage, users, r.bool("storage.delete.enabled"),
        r.duration("storage.maintenance.uploadpurging.age", false),
        r.given("storage.maintenance.gc.interval") ? r.duration("storage.maintenance.gc.interval", false) : null,
        limits, auth, tls(r), observe(r, listen), r.duration("http.shutdowntimeout", true));
    return config;
  }

  private static TlsSettings tls(Reader r) {
    boolean auto = r.bool("http.tls.auto");
    Path cert = r.given("http.tls.certificate") ? r.existingFile("http.tls.certificate") : null;
    Path key = r.given("http.tls.key") ? r.existingFile("http.tls.key") : null;
    List<Path> cas = new ArrayList<>();
    for (String ca : r.list("http.tls.clientcas")) {
      cas.add(r.existingFile("http.tls.clientcas", ca));
    }
    List<String> names = r.list("http.hostnames");
    for (String name : names) {
      if (!HOST_NAME.matcher(name).matches() && !IP.matcher(name).matches()) {
        throw r.invalid("http.hostnames", name, "expected a host name or an IP address");
      }
    }
    TlsSettings.Engine engine = TlsSettings.Engine.valueOf(
        r.choice("http.tls.engine", "auto", "openssl", "jdk").toUpperCase(Locale.ROOT));
    if (auto && (cert != null || key != null)) {
      throw new ConfigException(r.where(cert != null ? "http.tls.certificate" : "http.tls.key")
          + " and automatic TLS (" + r.where("http.tls.auto") + ") exclude each other: give a certificate and key, or --tls auto");
    }
    if ((cert == null) != (key == null)) {
      String set = cert != null ? "http.tls.certificate" : "http.tls.key";
      String missing = cert != null ? "http.tls.key (--tls-key)" : "http.tls.certificate (--tls-cert)";
      throw new ConfigException(r.where(set) + " is set but " + missing + " is not: TLS needs both");
    }
    if (!cas.isEmpty() && !auto && cert == null) {
      throw new ConfigException(r.where("http.tls.clientcas") + " asks for client certificates, which need TLS"
          + " (--tls auto, or --tls-cert and --tls-key)");
    }
    if (auto) {
      return new TlsSettings(TlsSettings.Mode.AUTO, null, null, cas, names, engine);
    }
    if (cert != null) {
      return new TlsSettings(TlsSettings.Mode.FILES, cert, key, cas, names, engine);
    }
    return new TlsSettings(TlsSettings.Mode.OFF, null, null, List.of(), names, engine);
  }

  private static ObserveSettings observe(Reader r, HostPort listen) {
    String access = r.text("log.accesslog.path");
    String accessTarget;
    if (access == null || access.isBlank()) {
      throw r.invalid("log.accesslog.path", "expected a file, - (the server's output) or off");
    } else if (access.equalsIgnoreCase("off")) {
      accessTarget = null;
    } else if (access.equals(ObserveSettings.STDOUT)) {
      accessTarget = ObserveSettings.STDOUT;
    } else {
      accessTarget = r.writableFile("log.accesslog.path").toString();
    }
    ObserveSettings.AccessLogFormat format = ObserveSettings.AccessLogFormat.valueOf(
        r.choice("log.accesslog.format", "json", "clf").toUpperCase(Locale.ROOT));
    String audit = r.text(AUDIT);
    Path auditFile = audit.equalsIgnoreCase("off") ? null : r.writableFile(AUDIT);
    boolean metrics = r.bool("metrics.enabled");
    HostPort metricsAddr = r.given("metrics.addr") ? r.hostPort("metrics.addr") : null;
    if (metricsAddr != null && !metrics) {
      throw new ConfigException(r.where("metrics.addr") + " gives metrics a listener, but metrics are off ("
          + r.where("metrics.enabled") + ")");
    }
    if (metricsAddr != null && metricsAddr.port() != 0 && metricsAddr.equals(listen)) {
      throw r.invalid("metrics.addr", "the registry listens there already; give another port, or leave it unset"
          + " to serve /metrics on the registry's listener");
    }
    String token = r.text("metrics.token");
    if (token != null && (token.length() < 16 || token.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
      throw r.invalid("metrics.token", "expected at least 16 printable characters without spaces");
    }
    return new ObserveSettings(accessTarget, format, auditFile, metrics,
        metricsAddr == null ? null : metricsAddr.host(), metricsAddr == null ? 0 : metricsAddr.port(), token);
  }

  /**
   * The effective configuration as YAML that {@code --config} reads back, each value annotated
   * with where it came from; secrets are masked.
   */
  public static String print(ConfigValues values) {
    StringBuilder out = new StringBuilder("# berth serve: effective configuration"
        + (values.file() == null ? "" : " (file " + values.file() + ")") + "\n");
    List<String> open = new ArrayList<>();
    for (Setting s : values.settings()) {
      List<String> parts = List.of(s.key().split("\\."));
      int common = 0;
      while (common < open.size() && common < parts.size() - 1 && open.get(common).equals(parts.get(common))) {
        common++;
      }
      open = new ArrayList<>(open.subList(0, common));
      for (int i = common; i < parts.size() - 1; i++) {
        out.append("  ".repeat(i)).append(parts.get(i)).append(":\n");
        open.add(parts.get(i));
      }
      ConfigValues.Value v = values.get(s.key());
      String text;
      if (v == null) {
        text = "~";
      } else if (s.secret()) {
        text = "'********'";
      } else if (v.items() != null) {
        List<String> quoted = v.items().stream().map(ServeSettings::yaml).toList();
        text = "[" + String.join(", ", quoted) + "]";
      } else {
        text = yaml(v.text());
      }
      // defaults that follow other values (files in the storage) stay comments, so that the
      // printed file, read back, still derives them
      boolean derived = v != null && v.origin().kind() == Origin.Kind.DEFAULT && s.defaultText() == null;
      String line = "  ".repeat(parts.size() - 1) + (derived ? "# " : "") + parts.getLast() + ": " + text;
      out.append(line).append(" ".repeat(Math.max(1, 48 - line.length())))
          .append("# ").append(v == null ? "unset" : !derived ? v.origin().comment()
              : s.key().equals(STORAGE) ? "default: $XDG_DATA_HOME/berth/registry" : "default: in the storage")
          .append('\n');
    }
    return out.toString();
  }

  private static String yaml(String text) {
    if (text.matches("[A-Za-z0-9_./][A-Za-z0-9_./@+:-]*") && !text.matches("(?i)true|false|yes|no|on|off|null|~")
        || text.matches("(?i)true|false")) {
      return text;
    }
    return "'" + text.replace("'", "''") + "'";
  }

  /** Typed access to the values; every failure names the value's origin. */
  static final class Reader {
    private final ConfigValues values;

    Reader(ConfigValues values) {
      this.values = values;
    }

    boolean given(String key) {
      ConfigValues.Value v = values.get(key);
      return v != null && v.origin().kind() != Origin.Kind.DEFAULT;
    }

    String where(String key) {
      ConfigValues.Value v = values.get(key);
      return v == null ? key : v.origin().describe();
    }

    String text(String key) {
      ConfigValues.Value v = values.get(key);
      if (v == null) {
        return null;
      }
      return v.text() != null ? v.text().strip() : String.join(",", v.items());
    }

    List<String> list(String key) {
      ConfigValues.Value v = values.get(key);
      if (v == null) {
        return List.of();
      }
      return v.items() != null ? v.items() : List.of(v.text());
    }

    ConfigException invalid(String key, String reason) {
      return invalid(key, text(key), reason);
    }

    ConfigException invalid(String key, String value, String reason) {
      ConfigValues.Value v = values.get(key);
      boolean secret = values.settings().stream().anyMatch(s -> s.key().equals(key) && s.secret());
      return new ConfigException("invalid value for " + where(key) + ": "
          + (secret ? "(hidden)" : "'" + value + "'") + " (" + reason + ")");
    }

    void version() {
      String v = text("version");
      if (!"0.1".equals(v)) {
        throw invalid("version", "expected 0.1");
      }
    }

    HostPort hostPort(String key) {
      HostPort hp = HostPort.parse(text(key));
      if (hp == null) {
        throw invalid(key, "expected HOST:PORT, e.g. 127.0.0.1:5000");
      }
      return hp;
    }

    Duration duration(String key, boolean zeroAllowed) {
      String t = text(key);
      Matcher m = DURATION.matcher(t);
      if (!m.matches() || !zeroAllowed && Long.parseLong(m.group(1)) == 0) {
        throw invalid(key, DURATION_HINT);
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }

    int intAtLeast(String key, int min) {
      try {
        int n = Integer.parseInt(text(key));
        if (n >= min) {
          return n;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw invalid(key, "expected a number of at least " + min);
    }

    long longAtLeast(String key, long min) {
      try {
        long n = Long.parseLong(text(key));
        if (n >= min) {
          return n;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw invalid(key, min == 0 ? "expected 0 or more" : "expected a number of at least " + min);
    }

    boolean bool(String key) {
      return switch (text(key).toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> throw invalid(key, "expected true or false");
      };
    }

    String choice(String key, String... choices) {
      String t = text(key).toLowerCase(Locale.ROOT);
      for (String c : choices) {
        if (c.equals(t)) {
          return c;
        }
      }
      String expected = choices.length == 2 ? choices[0] + " or " + choices[1]
          : String.join(", ", List.of(choices).subList(0, choices.length - 1)) + " or " + choices[choices.length - 1];
      throw invalid(key, "expected " + expected);
    }

    Path path(String key) {
      return path(key, text(key));
    }

    /** A path; relative ones in the config file are relative to the file's directory. */
    Path path(String key, String text) {
      if (text == null || text.isBlank()) {
        throw invalid(key, text == null ? "" : text, "expected a path");
      }
      try {
        Path p = Path.of(text);
        ConfigValues.Value v = values.get(key);
        if (!p.isAbsolute() && v.origin().kind() == Origin.Kind.FILE && v.origin().file().getParent() != null) {
          p = v.origin().file().toAbsolutePath().getParent().resolve(p);
        }
        return p.normalize();
      } catch (InvalidPathException e) {
        throw invalid(key, text, "not a valid path");
      }
    }

    Path existingFile(String key) {
      return existingFile(key, text(key));
    }

    Path existingFile(String key, String text) {
      Path p = path(key, text);
      if (!Files.exists(p)) {
        throw invalid(key, text, "no such file");
      }
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        throw invalid(key, text, "not a readable file");
      }
      return p;
    }

    /** A file to append to: its directory must exist (it is created by the server if missing). */
    Path writableFile(String key) {
      Path p = path(key);
      if (Files.isDirectory(p)) {
        throw invalid(key, "a directory, not a file");
      }
      return p;
    }
  }

  /** The flags' values by key, in the shape {@link ConfigValues#load} takes. */
  public static Map<String, ConfigValues.Value> flags(Map<String, Object> byFlag) {
    Map<String, ConfigValues.Value> out = new LinkedHashMap<>();
    byFlag.forEach((flag, value) -> {
      Setting s = byFlag(flag);
      if (s == null) {
        throw new IllegalArgumentException("no setting for flag " + flag);
      }
      Origin origin = Origin.flag(flag);
      if (value instanceof List<?> items) {
        out.put(s.key(), ConfigValues.Value.list(items.stream().map(String::valueOf).toList(), origin));
      } else {
        out.put(s.key(), ConfigValues.Value.of(String.valueOf(value), origin));
      }
    });
    return out;
  }
}
