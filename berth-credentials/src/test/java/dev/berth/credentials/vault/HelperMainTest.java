package dev.berth.credentials.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.Exec;
import dev.berth.testkit.PassStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-credential-berth speaks docker-credential-helpers' protocol exactly: the same actions,
 * the same error lines on stdout with exit 1, and output bytes equal to a real helper's.
 */
class HelperMainTest {
  @TempDir Path dir;

  record Run(int exitCode, String out) {}

  Map<String, String> env() {
    return Map.of("BERTH_CREDENTIALS_DIR", dir.resolve("credentials").toString(), "BERTH_AGENT", "off");
  }

  Run helper(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = HelperMain.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, env());
    return new Run(code, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void storeGetListErase() {
    assertThat(helper("{\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}", "store"))
        .isEqualTo(new Run(0, ""));
    assertThat(helper("127.0.0.1:5000\n", "get"))
        .isEqualTo(new Run(0, "{\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}\n"));
    // the URL asked for is echoed back, as docker's helpers do
    assertThat(helper("http://127.0.0.1:5000/", "get"))
        .isEqualTo(new Run(0, "{\"ServerURL\":\"http://127.0.0.1:5000/\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}\n"));
    assertThat(helper("{\"ServerURL\":\"https://index.docker.io/v1/\",\"Username\":\"<token>\",\"Secret\":\"a&b\"}", "store").exitCode()).isZero();
    assertThat(helper("docker.io", "get"))
        .isEqualTo(new Run(0, "{\"ServerURL\":\"docker.io\",\"Username\":\"\\u003ctoken\\u003e\",\"Secret\":\"a\\u0026b\"}\n"));
    assertThat(helper("", "list"))
        .isEqualTo(new Run(0, "{\"127.0.0.1:5000\":\"alice\",\"https://index.docker.io/v1/\":\"\\u003ctoken\\u003e\"}\n"));
    assertThat(helper("127.0.0.1:5000", "erase")).isEqualTo(new Run(0, ""));
    assertThat(helper("127.0.0.1:5000", "erase")).isEqualTo(new Run(1, "credentials not found in native keychain\n"));
    assertThat(helper("127.0.0.1:5000", "get")).isEqualTo(new Run(1, "credentials not found in native keychain\n"));
  }

  @Test
  void errorsAreOneLineOnStdoutWithExit1() {
    assertThat(helper("", "get")).isEqualTo(new Run(1, "no credentials server URL\n"));
    assertThat(helper(" \n ", "erase")).isEqualTo(new Run(1, "no credentials server URL\n"));
    assertThat(helper("{\"Username\":\"u\",\"Secret\":\"s\"}", "store")).isEqualTo(new Run(1, "no credentials server URL\n"));
    assertThat(helper("{\"ServerURL\":\"h:1\",\"Secret\":\"s\"}", "store")).isEqualTo(new Run(1, "no credentials username\n"));
    assertThat(helper("{\"ServerURL\":\"h:1\",\"Username\":", "store"))
        .isEqualTo(new Run(1, "invalid JSON at offset 30: unexpected end of JSON input\n"));
    assertThat(helper("not json", "store")).isEqualTo(new Run(1, "invalid JSON at offset 0: expected '{'\n"));
    assertThat(helper("{\"ServerURL\":\"h:1\",\"Username\":\"u\",\"Secret\":5}", "store"))
        .isEqualTo(new Run(1, "json: cannot unmarshal a non-string into Go struct field Credentials.Secret of type string\n"));
    assertThat(helper("x".repeat((1 << 20) + 1), "get"))
        .isEqualTo(new Run(1, "docker-credential-berth: input larger than 1048576 bytes\n"));
    assertThat(helper("", "frobnicate")).isEqualTo(new Run(1, "docker-credential-berth: unknown action: frobnicate\n"));
    assertThat(helper("")).isEqualTo(new Run(1, "Usage: docker-credential-berth <store|get|erase|list|version>\n"));
    assertThat(helper("", "get", "extra")).isEqualTo(new Run(1, "Usage: docker-credential-berth <store|get|erase|list|version>\n"));
    assertThat(helper("", "--help")).isEqualTo(new Run(0, "Usage: docker-credential-berth <store|get|erase|list|version>\n"));
    assertThat(helper("", "version")).isEqualTo(new Run(0, "docker-credential-berth (dev.berth) " + HelperMain.VERSION + "\n"));
    assertThat(helper("", "-v")).isEqualTo(helper("", "version"));
  }

  @Test
  void jsonAsGoReadsIt() {
    // Go matches field names case-insensitively, ignores unknown fields and what follows the object
    assertThat(helper("""
          { "serverurl" : "h:1", "USERNAME": "u", "Secret": "s\\u00e9\\n\\"", "Extra": {"a": [1, 2.5e3, true, null]},
            "ignored": null }  trailing
        """, "store").exitCode()).isZero();
    assertThat(helper("h:1", "get").out()).isEqualTo("{\"ServerURL\":\"h:1\",\"Username\":\"u\",\"Secret\":\"sé\\n\\\"\"}\n");
    // a null Secret is an empty one, as in Go
    assertThat(helper("{\"ServerURL\":\"h:2\",\"Username\":\"u\",\"Secret\":null}", "store").exitCode()).isZero();
    assertThat(helper("h:2", "get").out()).isEqualTo("{\"ServerURL\":\"h:2\",\"Username\":\"u\",\"Secret\":\"\"}\n");
  }

  @Test
  void oddSecretsRoundTrip() {
    for (int i = 0; i < VaultTest.ODD_SECRETS.size(); i++) {
      StringBuilder json = new StringBuilder("{\"ServerURL\":\"odd").append(i).append(":5000\",\"Username\":\"u\",\"Secret\":");
      ProtocolJson.string(json, VaultTest.ODD_SECRETS.get(i));
      assertThat(helper(json.append('}').toString(), "store").exitCode()).isZero();
      StringBuilder expected = new StringBuilder("{\"ServerURL\":\"odd" + i + ":5000\",\"Username\":\"u\",\"Secret\":");
      ProtocolJson.string(expected, VaultTest.ODD_SECRETS.get(i));
      assertThat(helper("odd" + i + ":5000", "get").out()).isEqualTo(expected.append("}\n").toString());
    }
  }

  @Test
  void hostileStoreFilesAreReportedNotOverwritten() throws Exception {
    helper("{\"ServerURL\":\"h:1\",\"Username\":\"u\",\"Secret\":\"s\"}", "store");
    Path store = dir.resolve("credentials/store");
    Files.writeString(store, "{\"auths\":{}}");
    Run get = helper("h:1", "get");
    assertThat(get.exitCode()).isEqualTo(1);
    assertThat(get.out()).isEqualTo("cannot read " + store + ": not a Berth credential store (unknown header)\n");
    assertThat(helper("{\"ServerURL\":\"h:2\",\"Username\":\"u\",\"Secret\":\"s\"}", "store").out()).isEqualTo(get.out());
    assertThat(Files.readString(store)).isEqualTo("{\"auths\":{}}");
  }

  /** The same requests to the real docker-credential-pass and to this helper print the same bytes. */
  @Test
  void answersByteForByteAsDockerCredentialPass() {
    try (PassStore pass = PassStore.create(dir.resolve("pass"))) {
      Map<String, String> passEnv = new HashMap<>(pass.env());
      passEnv.put("HOME", dir.toString());
      List<String[]> logins = List.of(
          new String[] {"127.0.0.1:5000", "alice", "s3cret"},
          new String[] {"https://index.docker.io/v1/", "<token>", "eyJhbGciOi.payload.sig"},
          new String[] {"[::1]:5000", "bob@example.com", "quote\"back\\slash<&>'"},
          new String[] {"registry.example:443", "ünïcødé", "日本語 🔑 tab\there"});
      for (String[] login : logins) {
        StringBuilder json = new StringBuilder("{\"ServerURL\":");
        ProtocolJson.string(json, login[0]);
        json.append(",\"Username\":");
        ProtocolJson.string(json, login[1]);
        json.append(",\"Secret\":");
        ProtocolJson.string(json, login[2]);
        json.append('}');
        Exec.Result stored = Exec.command("docker-credential-pass", "store").env(passEnv).stdin(json.toString()).run();
        assertThat(stored.exitCode()).as(stored.stdout() + stored.stderr()).isZero();
        assertThat(helper(json.toString(), "store").exitCode()).isZero();
      }
      for (String[] login : logins) {
        Exec.Result theirs = Exec.command("docker-credential-pass", "get").env(passEnv).stdin(login[0]).run();
        assertThat(theirs.exitCode()).as(theirs.stdout() + theirs.stderr()).isZero();
        assertThat(helper(login[0], "get")).as(login[0]).isEqualTo(new Run(0, theirs.stdout()));
      }
      Exec.Result list = Exec.command("docker-credential-pass", "list").env(passEnv).run();
      assertThat(helper("", "list")).isEqualTo(new Run(0, list.stdout()));
      Exec.Result version = Exec.command("docker-credential-pass", "nonsense").env(passEnv).run();
      assertThat(version.exitCode()).isEqualTo(helper("", "nonsense").exitCode());
    }
  }
}
