package dev.berth.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.ServerConfig;
import dev.berth.server.auth.AuthSettings;
import dev.berth.server.observe.ObserveSettings;
import dev.berth.server.tls.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeSettingsTest {
  @TempDir Path dir;

  private Path file(String yaml) throws Exception {
    Path f = dir.resolve("berth.yml");
    Files.writeString(f, yaml);
    return f;
  }

  private ConfigValues load(Path file, Map<String, String> env, Map<String, Object> flags) {
    return ServeSettings.load(file, env, ServeSettings.flags(flags), dir.resolve("default-storage"));
  }

  private ServerConfig resolve(Path file, Map<String, String> env, Map<String, Object> flags) {
    return ServeSettings.resolve(load(file, env, flags));
  }

  @Test
  void defaultsAloneGiveTheDocumentedServer() {
    ServerConfig c = resolve(null, Map.of(), Map.of());
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(5000);
    assertThat(c.storage()).isEqualTo(dir.resolve("default-storage"));
    assertThat(c.htpasswd()).isEqualTo(dir.resolve("default-storage/htpasswd"));
    assertThat(c.auth().usersFileGiven()).isFalse();
    assertThat(c.auth().mode()).isEqualTo(AuthSettings.Mode.TOKEN);
    assertThat(c.tls().enabled()).isFalse();
    assertThat(c.observe().accessLog()).isEqualTo(ObserveSettings.STDOUT);
    assertThat(c.observe().auditLog()).isEqualTo(dir.resolve("default-storage/audit.log"));
    assertThat(c.observe().metrics()).isTrue();
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.deleteEnabled()).isTrue();
  }

  @Test
  void theFileSetsEveryKindOfValueAndFlagsBeatTheEnvironmentWhichBeatsTheFile() throws Exception {
    Files.writeString(dir.resolve("users"), "");
    Path f = file("""
        version: 0.1
        http:
          addr: 0.0.0.0:5001
          hostnames: [registry.example, 10.1.2.3]
          tls:
            auto: true
          shutdowntimeout: 5s
        storage:
          filesystem:
            rootdirectory: data        # relative: to the file's directory
          delete:
            enabled: false
          maintenance:
            gc: {interval: 1h}
          uploads: {maxperuser: 7, max: 70}
        auth:
          mode: basic
          htpasswd: {path: users}
        log:
          accesslog: {path: off}
          audit: {path: /tmp/audit-from-file.log}
        metrics:
          addr: 127.0.0.1:9191
          token: a-long-enough-metrics-token
        """);
    ServerConfig fromFile = resolve(f, Map.of(), Map.of());
    assertThat(fromFile.host()).isEqualTo("0.0.0.0");
    assertThat(fromFile.port()).isEqualTo(5001);
    assertThat(fromFile.tls().mode()).isEqualTo(TlsSettings.Mode.AUTO);
    assertThat(fromFile.tls().hostnames()).containsExactly("registry.example", "10.1.2.3");
    assertThat(fromFile.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(fromFile.storage()).isEqualTo(dir.resolve("data"));
    assertThat(fromFile.deleteEnabled()).isFalse();
    assertThat(fromFile.gcInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(fromFile.limits().uploadsPerUser()).isEqualTo(7);
    assertThat(fromFile.limits().uploadsTotal()).isEqualTo(70);
    assertThat(fromFile.auth().mode()).isEqualTo(AuthSettings.Mode.BASIC);
    assertThat(fromFile.htpasswd()).isEqualTo(dir.resolve("users"));
    assertThat(fromFile.auth().usersFileGiven()).isTrue();
    assertThat(fromFile.observe().accessLog()).isNull();
    assertThat(fromFile.observe().auditLog()).isEqualTo(Path.of("/tmp/audit-from-file.log"));
    assertThat(fromFile.observe().metricsHost()).isEqualTo("127.0.0.1");
    assertThat(fromFile.observe().metricsPort()).isEqualTo(9191);
    assertThat(fromFile.observe().metricsToken()).isEqualTo("a-long-enough-metrics-token");
    // the rules default follows the storage named in the file
    assertThat(load(f, Map.of(), Map.of()).get("auth.rules.path").text()).isEqualTo(dir.resolve("data/access.yml").toString());

    Map<String, String> env = Map.of("BERTH_HTTP_ADDR", "127.0.0.1:6000", "BERTH_AUTH_MODE", "token",
        "BERTH_HTTP_HOSTNAMES", "a.example, b.example");
    ServerConfig withEnv = resolve(f, env, Map.of());
    assertThat(withEnv.port()).isEqualTo(6000);
    assertThat(withEnv.auth().mode()).isEqualTo(AuthSettings.Mode.TOKEN);
    assertThat(withEnv.tls().hostnames()).containsExactly("a.example", "b.example");

    ServerConfig withFlags = resolve(f, env, Map.of("--listen", "127.0.0.1:7000", "--hostname", List.of("c.example")));
    assertThat(withFlags.port()).isEqualTo(7000);
    assertThat(withFlags.tls().hostnames()).containsExactly("c.example");
    assertThat(withFlags.auth().mode()).isEqualTo(AuthSettings.Mode.TOKEN); // from the environment still
  }

  @Test
  void everyBadValueIsOneLineNamingTheFileTheKeyAndTheLine() throws Exception {
    Path f = file("""
        http:
          addr: localhost
        """);
    assertThatThrownBy(() -> resolve(f, Map.of(), Map.of())).isInstanceOf(ConfigException.class)
        .hasMessage("invalid value for http.addr in " + f + " (line 2): 'localhost' (expected HOST:PORT, e.g. 127.0.0.1:5000)");

    Path durations = file("storage:\n  maintenance:\n    uploadpurging:\n      age: soon\n");
    assertThatThrownBy(() -> resolve(durations, Map.of(), Map.of()))
        .hasMessage("invalid value for storage.maintenance.uploadpurging.age in " + durations
            + " (line 4): 'soon' (expected e.g. 30m, 24h, 7d)");

    Path unknown = file("http:\n  adr: 127.0.0.1:5000\n");
    assertThatThrownBy(() -> resolve(unknown, Map.of(), Map.of()))
        .hasMessage("unknown key http.adr in " + unknown + " (line 2) (did you mean http.addr?)");

    Path shape = file("http: 127.0.0.1:5000\n");
    assertThatThrownBy(() -> resolve(shape, Map.of(), Map.of()))
        .hasMessage("http in " + shape + " (line 1): expected a section (keys below it), found a value");

    Path twice = file("auth:\n  mode: basic\n  mode: none\n");
    assertThatThrownBy(() -> resolve(twice, Map.of(), Map.of())).hasMessage("key auth.mode appears twice in " + twice + " (line 3)");

    Path yaml = file("http:\n  addr: 'unclosed\n");
    assertThatThrownBy(() -> resolve(yaml, Map.of(), Map.of())).hasMessageStartingWith("config file " + yaml + " is not valid YAML (line ");

    Path missing = dir.resolve("nope.yml");
    assertThatThrownBy(() -> resolve(missing, Map.of(), Map.of())).hasMessage("config file " + missing + " does not exist");

    Path version = file("version: 0.2\n");
    assertThatThrownBy(() -> resolve(version, Map.of(), Map.of()))
        .hasMessage("invalid value for version in " + version + " (line 1): '0.2' (expected 0.1)");
  }

  @Test
  void environmentAndFlagErrorsNameTheVariableOrFlag() {
    assertThatThrownBy(() -> resolve(null, Map.of("BERTH_STORAGE_UPLOADS_MAX", "0"), Map.of()))
        .hasMessage("invalid value for BERTH_STORAGE_UPLOADS_MAX: '0' (expected a number of at least 1)");
    assertThatThrownBy(() -> resolve(null, Map.of("BERTH_HTTP_ADR", "x"), Map.of()))
        .hasMessageStartingWith("unknown setting BERTH_HTTP_ADR in the environment");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--auth", "kerberos")))
        .hasMessage("invalid value for --auth: 'kerberos' (expected token, basic or none)");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--min-body-rate", "-1")))
        .hasMessage("invalid value for --min-body-rate: '-1' (expected 0 or more)");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--tls-engine", "gnutls")))
        .hasMessage("invalid value for --tls-engine: 'gnutls' (expected auto, openssl or jdk)");
    // BERTH_ variables of the client and the launcher are not settings of serve, and not errors
    resolve(null, Map.of("BERTH_JAVA_OPTS", "-Xmx1g", "BERTH_STALL_TIMEOUT", "30s", "BERTH_CERTS_DIRS", "/x"), Map.of());
  }

  @Test
  void secretsAreNeverEchoed() throws Exception {
    Path f = file("metrics:\n  token: short\n");
    assertThatThrownBy(() -> resolve(f, Map.of(), Map.of()))
        .hasMessage("invalid value for metrics.token in " + f + " (line 2): (hidden) (expected at least 16 printable"
            + " characters without spaces)");
    String printed = ServeSettings.print(load(null, Map.of("BERTH_METRICS_TOKEN", "s3cret-metrics-token-value"), Map.of()));
    assertThat(printed).doesNotContain("s3cret").contains("token: '********'").contains("# from $BERTH_METRICS_TOKEN");
  }

  @Test
  void tlsSettingsThatCannotWorkTogetherAreRefused() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--tls", "true", "--tls-cert", cert.toString(),
        "--tls-key", cert.toString())))
        .hasMessage("--tls-cert and automatic TLS (--tls) exclude each other: give a certificate and key, or --tls auto");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--tls-cert", cert.toString())))
        .hasMessage("--tls-cert is set but http.tls.key (--tls-key) is not: TLS needs both");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--tls-cert", dir.resolve("none.pem").toString(),
        "--tls-key", cert.toString())))
        .hasMessage("invalid value for --tls-cert: '" + dir.resolve("none.pem") + "' (no such file)");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--tls-client-ca", List.of(cert.toString()))))
        .hasMessageContaining("asks for client certificates, which need TLS");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--hostname", List.of("bad host"))))
        .hasMessage("invalid value for --hostname: 'bad host' (expected a host name or an IP address)");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("--metrics-listen", "127.0.0.1:5000")))
        .hasMessageContaining("the registry listens there already");
  }

  @Test
  void printConfigShowsEveryKeyWithItsOriginAndReadsBackAsTheSameConfiguration() throws Exception {
    Path f = file("http:\n  addr: 127.0.0.1:5055\nstorage:\n  uploads:\n    max: 42\n");
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("--gc-every", "2h");
    ConfigValues values = load(f, Map.of("BERTH_HTTP_SHUTDOWNTIMEOUT", "9s"), flags);
    String printed = ServeSettings.print(values);
    assertThat(printed)
        .contains("  addr: 127.0.0.1:5055", "# from berth.yml line 2")
        .contains("    max: 42")
        .contains("      interval: 2h", "# from --gc-every")
        .contains("  shutdowntimeout: 9s", "# from $BERTH_HTTP_SHUTDOWNTIMEOUT")
        .contains("  mode: token", "# default")
        .contains("    # path: " + dir.resolve("default-storage/htpasswd") + " # default: in the storage");
    for (Setting s : ServeSettings.ALL) {
      assertThat(printed).contains(s.key().substring(s.key().lastIndexOf('.') + 1) + ":");
    }
    Path again = dir.resolve("printed.yml");
    Files.writeString(again, printed);
    ServerConfig original = ServeSettings.resolve(values);
    ServerConfig reread = ServeSettings.resolve(ServeSettings.load(again, Map.of(), Map.of(), dir.resolve("default-storage")));
    assertThat(reread).isEqualTo(original);
  }
}
