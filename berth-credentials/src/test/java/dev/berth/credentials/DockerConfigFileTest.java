package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigFileTest {
  @TempDir Path dir;

  static final String RICH = """
      {
      \t"auths": {
      \t\t"other.example:5000": {"auth": "b3RoZXI6c2VjcmV0", "email": "me@example.com"},
      \t\t"https://index.docker.io/v1/": {}
      \t},
      \t"credsStore": "",
      \t"credHelpers": {"gcr.io": "gcloud"},
      \t"proxies": {"default": {"httpProxy": "http://proxy:3128", "noProxy": "localhost"}},
      \t"HttpHeaders": {"X-Meta": "1"},
      \t"psFormat": "table {{.ID}}",
      \t"aFloat": 1.10,
      \t"aBig": 123456789012345678901234567890,
      \t"aNull": null,
      \t"aList": [true, false, 3, "x", {"nested": []}],
      \t"zzz-future-key": {"b": 2, "a": 1}
      }
      """;

  @Test
  void rewriteKeepsUnknownKeysTheirOrderAndMeaning() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, RICH);
    DockerConfigFile config = DockerConfigFile.inDirectory(dir);

    new FileCredentialStore(config).store("localhost:5000", new Credentials("alice", "pw"));

    Map<String, Object> before = JSON.std.mapFrom(RICH);
    Map<String, Object> after = JSON.std.mapFrom(Files.readString(file));
    @SuppressWarnings("unchecked")
    Map<String, Object> auths = (Map<String, Object>) after.get("auths");
    assertThat(auths.keySet()).containsExactly("other.example:5000", "https://index.docker.io/v1/", "localhost:5000");
    auths.remove("localhost:5000");
    assertThat(after).isEqualTo(before);
    assertThat(new ArrayList<>(after.keySet())).containsExactlyElementsOf(before.keySet());
    assertThat(Files.readString(file))
        .contains("1.10")
        .contains("123456789012345678901234567890")
        .contains("\"aNull\": null")
        .contains("\"b\": 2,");
  }

  @Test
  void writtenInDockersLayout() throws Exception {
    DockerConfigFile config = DockerConfigFile.inDirectory(dir);
    config.update(root -> {
      root.put("auths", new java.util.LinkedHashMap<>(Map.of("h:1", Map.of("auth", "dTpw"))));
      root.put("empty", Map.of());
      root.put("list", List.of("a", 1));
      root.put("none", List.of());
      return true;
    });
    assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo(
        "{\n\t\"auths\": {\n\t\t\"h:1\": {\n\t\t\t\"auth\": \"dTpw\"\n\t\t}\n\t},\n\t\"empty\": {},\n"
            + "\t\"list\": [\n\t\t\"a\",\n\t\t1\n\t],\n\t\"none\": []\n}");
  }

  @Test
  void newFileIs0600InNew0700Directory() throws Exception {
    Path configDir = dir.resolve("fresh/.docker");
    DockerConfigFile config = DockerConfigFile.inDirectory(configDir);
    new FileCredentialStore(config).store("h:1", new Credentials("u", "p"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configDir.resolve("config.json"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configDir))).isEqualTo("rwx------");
    try (var listing = Files.list(configDir)) {
      // the lock is taken on config.json itself: nothing else is left in docker's directory
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("config.json");
    }
  }

  @Test
  void widerModeIsNarrowedAndStricterModeKept() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    FileCredentialStore store = new FileCredentialStore(DockerConfigFile.inDirectory(dir));
    store.store("h:1", new Credentials("u", "p"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    store.store("h:2", new Credentials("u", "p"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
  }

  @Test
  void symlinkedConfigIsReplacedAtItsTarget() throws Exception {
    Path real = dir.resolve("dotfiles/docker-config.json");
    Files.createDirectories(real.getParent());
    Files.writeString(real, "{\"psFormat\":\"x\"}");
    Path configDir = Files.createDirectories(dir.resolve("home/.docker"));
    Files.createSymbolicLink(configDir.resolve("config.json"), real);

    new FileCredentialStore(DockerConfigFile.inDirectory(configDir)).store("h:1", new Credentials("u", "p"));

    assertThat(Files.isSymbolicLink(configDir.resolve("config.json"))).isTrue();
    assertThat(Files.readString(real)).contains("h:1").contains("psFormat");
  }

  @Test
  void corruptFileIsReportedWithPositionAndLeftExactlyAsItWas() throws Exception {
    Path file = dir.resolve("config.json");
    String corrupt = "{\n  \"auths\": {\n    \"h\": {\"auth\": \"c2VjcmV0\"}\n  ,,\n}\n";
    Files.writeString(file, corrupt);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    var modified = Files.getLastModifiedTime(file);
    FileCredentialStore store = new FileCredentialStore(DockerConfigFile.inDirectory(dir));

    assertThatThrownBy(() -> store.store("h:1", new Credentials("u", "p")))
        .isInstanceOf(ConfigFileException.class)
        .hasMessage("cannot read " + file + ": invalid JSON at line 4, column 4");
    assertThatThrownBy(() -> store.erase("h"))
        .hasMessageStartingWith("cannot read " + file + ": invalid JSON at line 4");
    assertThatThrownBy(() -> store.get("h")).isInstanceOf(ConfigFileException.class);

    assertThat(Files.readString(file)).isEqualTo(corrupt);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).doesNotContain("config.json.tmp")
          .allMatch(n -> n.equals("config.json"));
    }
  }

  @Test
  void otherShapesAreRefusedWithoutLeakingContent() throws Exception {
    Path file = dir.resolve("config.json");
    DockerConfigFile config = DockerConfigFile.inDirectory(dir);
    Files.writeString(file, "[\"s3cr3t\"]");
    assertThatThrownBy(config::read).hasMessage("cannot read " + file + ": expected a JSON object at the top level");
    Files.writeString(file, "{} {\"x\": \"s3cr3t\"}");
    assertThatThrownBy(config::read).hasMessageStartingWith("cannot read " + file + ": invalid JSON")
        .hasMessageNotContaining("s3cr3t");
    Files.writeString(file, "{\"auths\": \"s3cr3t\"}");
    assertThatThrownBy(() -> new FileCredentialStore(config).get("h"))
        .hasMessage("cannot read " + file + ": \"auths\" is not a JSON object");
    Files.writeString(file, "{\"auths\": {\"h\": {\"auth\": \"!!s3cr3t!!\"}}}");
    assertThatThrownBy(() -> new FileCredentialStore(config).get("h"))
        .hasMessage("cannot read " + file + ": auths entry \"h\" has an \"auth\" value that is not base64");
  }

  @Test
  void emptyOrMissingFileIsAnEmptyConfig() throws Exception {
    DockerConfigFile config = DockerConfigFile.inDirectory(dir);
    assertThat(config.read()).isEmpty();
    Files.writeString(dir.resolve("config.json"), " \n");
    assertThat(config.read()).isEmpty();
    new FileCredentialStore(config).store("h:1", new Credentials("u", "p"));
    assertThat(new FileCredentialStore(config).get("h:1")).contains(new Credentials("u", "p"));
  }

  @Test
  void concurrentWritersFromManyThreadsLoseNothing() throws Exception {
    Files.writeString(dir.resolve("config.json"), RICH);
    int writers = 8;
    int each = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        done.add(pool.submit(() -> {
          // a fresh instance per writer, as separate commands would have
          FileCredentialStore store = new FileCredentialStore(DockerConfigFile.inDirectory(dir));
          for (int i = 0; i < each; i++) {
            store.store("w" + id + "-" + i + ":5000", new Credentials("u" + id, "p" + i));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    FileCredentialStore store = new FileCredentialStore(DockerConfigFile.inDirectory(dir));
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < each; i++) {
        assertThat(store.get("w" + w + "-" + i + ":5000")).contains(new Credentials("u" + w, "p" + i));
      }
    }
    assertThat(store.get("other.example:5000")).contains(new Credentials("other", "secret"));
  }

  @Test
  void concurrentWritersFromSeveralProcessesLoseNothing() throws Exception {
    Files.writeString(dir.resolve("config.json"), RICH);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // enough rewrites for inode numbers to come back while a writer waits (6 x 60 lost an entry
    // in half the runs before LockedFile looked at the file on both sides of its open)
    int processes = 4;
    int each = 40;
    List<Process> running = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      running.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          ConcurrentWriterMain.class.getName(), dir.toString(), "p" + p, String.valueOf(each))
          .redirectErrorStream(true).start());
    }
    for (Process p : running) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
    FileCredentialStore store = new FileCredentialStore(DockerConfigFile.inDirectory(dir));
    for (int p = 0; p < processes; p++) {
      for (int i = 0; i < each; i++) {
        assertThat(store.get("p" + p + "-" + i + ":5000")).isPresent();
      }
    }
    Map<String, Object> root = DockerConfigFile.inDirectory(dir).read();
    assertThat(root).containsKeys("credHelpers", "proxies", "HttpHeaders", "zzz-future-key");
  }
}
