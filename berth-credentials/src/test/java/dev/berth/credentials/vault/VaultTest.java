package dev.berth.credentials.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultTest {
  /** Every kind of character a password manager produces, and then some. */
  static final List<String> ODD_SECRETS = List.of(
      "p@ss:w0rd:with:colons",
      "quote\"back\\slash/slash",
      "new\nline\r\ncarriage\ttab",
      "nul\u0000inside\u0000",
      "<script>&amp;</script>",
      "ünïcødé ✓ 日本語 🔑🐳",
      "\u2028line separators\u2029",
      " leading and trailing spaces ",
      "$(rm -rf /) `id` ${HOME} 'single' %s %n",
      "x".repeat(10_000));

  @TempDir Path dir;

  Vault vault() {
    return Vault.at(dir.resolve("credentials"), Vault.NO_KEY);
  }

  @Test
  void storesFindsListsAndErases() throws Exception {
    Vault vault = vault();
    assertThat(vault.mode()).isEqualTo(Vault.Mode.EMPTY);
    assertThat(vault.get("127.0.0.1:5000")).isEmpty();
    assertThat(vault.erase("127.0.0.1:5000")).isFalse();

    vault.store(new Entry("127.0.0.1:5000", "alice", "s3cret"));
    vault.store(new Entry("https://index.docker.io/v1/", "<token>", "refresh-token"));

    assertThat(vault.mode()).isEqualTo(Vault.Mode.KEY_FILE);
    assertThat(vault.get("127.0.0.1:5000")).contains(new Entry("127.0.0.1:5000", "alice", "s3cret"));
    assertThat(vault.list()).extracting(Entry::serverUrl).containsExactly("127.0.0.1:5000", "https://index.docker.io/v1/");

    vault.store(new Entry("127.0.0.1:5000", "alice", "changed"));
    assertThat(vault.get("127.0.0.1:5000").orElseThrow().secret()).isEqualTo("changed");
    assertThat(vault.list()).hasSize(2);

    assertThat(vault.erase("127.0.0.1:5000")).isTrue();
    assertThat(vault.get("127.0.0.1:5000")).isEmpty();
    assertThat(vault.eraseAll()).containsExactly("https://index.docker.io/v1/");
    assertThat(vault.list()).isEmpty();
  }

  @Test
  void registryNamesInEveryHistoricalForm() throws Exception {
    Vault vault = vault();
    vault.store(new Entry("https://index.docker.io/v1/", "hub", "1"));
    vault.store(new Entry("host:5000", "plain", "2"));
    vault.store(new Entry("[::1]:5000", "six", "3"));
    vault.store(new Entry("https://legacy.example/v1/", "old", "4"));

    for (String hub : List.of("https://index.docker.io/v1/", "docker.io", "index.docker.io", "registry-1.docker.io",
        "https://registry-1.docker.io/v2/")) {
      assertThat(vault.get(hub)).as(hub).map(Entry::username).contains("hub");
    }
    for (String host : List.of("host:5000", "http://host:5000/", "https://host:5000", "https://user@host:5000/v2/")) {
      assertThat(vault.get(host)).as(host).map(Entry::username).contains("plain");
    }
    for (String six : List.of("[::1]:5000", "http://[::1]:5000/", "https://[::1]:5000/v2/")) {
      assertThat(vault.get(six)).as(six).map(Entry::username).contains("six");
    }
    assertThat(vault.get("legacy.example")).map(Entry::username).contains("old");
    assertThat(vault.get("host:5001")).isEmpty();
    assertThat(vault.get("[::1]:5001")).isEmpty();

    // an exact key is erased alone; otherwise every form of the registry
    vault.store(new Entry("http://host:5000", "other", "5"));
    assertThat(vault.erase("http://host:5000")).isTrue();
    assertThat(vault.get("host:5000")).map(Entry::username).contains("plain");
    assertThat(vault.erase("legacy.example")).isTrue();
    assertThat(vault.list()).extracting(Entry::serverUrl).doesNotContain("https://legacy.example/v1/");
  }

  @Test
  void oddSecretsSurviveAndNeverAppearInAnyFile() throws Exception {
    Vault vault = vault();
    for (int i = 0; i < ODD_SECRETS.size(); i++) {
      vault.store(new Entry("r" + i + ":5000", "üser " + i + " \"quoted\"", ODD_SECRETS.get(i)));
    }
    for (int i = 0; i < ODD_SECRETS.size(); i++) {
      assertThat(vault.get("r" + i + ":5000").orElseThrow().secret()).isEqualTo(ODD_SECRETS.get(i));
    }
    for (String secret : ODD_SECRETS) {
      assertNoFileHolds(dir, secret);
    }
  }

  @Test
  void filesAre0600InA0700DirectoryAndTheStoreSaysWhatItIs() throws Exception {
    Vault vault = vault();
    vault.store(new Entry("h:1", "u", "s"));
    assertThat(mode(vault.directory())).isEqualTo("rwx------");
    assertThat(mode(vault.storeFile())).isEqualTo("rw-------");
    assertThat(mode(vault.keyFile())).isEqualTo("rw-------");
    assertThat(Files.size(vault.keyFile())).isEqualTo(32);
    assertThat(new String(Files.readAllBytes(vault.storeFile()), StandardCharsets.ISO_8859_1)).startsWith("berth-credentials 1\n");
    try (Stream<Path> files = Files.list(vault.directory())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("store", "key");
    }
  }

  @Test
  void aWrongKeyIsRefusedAndNothingIsOverwritten() throws Exception {
    Vault vault = vault();
    vault.store(new Entry("h:1", "u", "s"));
    byte[] store = Files.readAllBytes(vault.storeFile());
    Files.write(vault.keyFile(), new byte[32]);

    assertThatThrownBy(() -> vault.get("h:1"))
        .isInstanceOf(VaultException.class)
        .hasMessage("cannot decrypt " + vault.storeFile() + ": the key in " + vault.keyFile()
            + " does not open it, or the file was altered or truncated");
    assertThatThrownBy(() -> vault.store(new Entry("h:2", "u", "s"))).isInstanceOf(VaultException.class);
    assertThatThrownBy(() -> vault.erase("h:1")).isInstanceOf(VaultException.class);
    assertThat(Files.readAllBytes(vault.storeFile())).isEqualTo(store);

    Files.write(vault.keyFile(), new byte[7]);
    assertThatThrownBy(() -> vault.get("h:1"))
        .hasMessage("cannot use the key file " + vault.keyFile() + ": it holds 7 bytes, not 32");
    Files.delete(vault.keyFile());
    assertThatThrownBy(() -> vault.store(new Entry("h:2", "u", "s")))
        .hasMessage("cannot decrypt " + vault.storeFile() + ": its key file " + vault.keyFile()
            + " is missing (restore it, or move the store aside to start over)");
    assertThat(vault.keyFile()).doesNotExist();
    assertThat(Files.readAllBytes(vault.storeFile())).isEqualTo(store);
  }

  @Test
  void corruptOrTruncatedStoresAreNamedAndLeftAlone() throws Exception {
    Vault vault = vault();
    vault.store(new Entry("h:1", "u", "s3cret"));
    byte[] good = Files.readAllBytes(vault.storeFile());

    record Case(byte[] content, String message) {}
    byte[] flipped = good.clone();
    flipped[flipped.length - 20] ^= 1;
    byte[] badMode = good.clone();
    badMode[20] = 'Z';
    List<Case> cases = List.of(
        new Case("{\"auths\":{}}".getBytes(StandardCharsets.UTF_8), "cannot read " + vault.storeFile() + ": not a Berth credential store (unknown header)"),
        new Case("berth-cred".getBytes(StandardCharsets.UTF_8), "cannot read " + vault.storeFile() + ": the file is truncated"),
        new Case(java.util.Arrays.copyOf(good, 30), "cannot read " + vault.storeFile() + ": the file is truncated"),
        new Case(java.util.Arrays.copyOf(good, good.length - 1), "cannot decrypt " + vault.storeFile()
            + ": the key in " + vault.keyFile() + " does not open it, or the file was altered or truncated"),
        new Case(flipped, "cannot decrypt " + vault.storeFile() + ": the key in " + vault.keyFile()
            + " does not open it, or the file was altered or truncated"),
        new Case(badMode, "cannot read " + vault.storeFile() + ": unknown key mode 'Z'"));
    for (Case c : cases) {
      Files.write(vault.storeFile(), c.content());
      assertThatThrownBy(() -> vault.list()).as(c.message()).hasMessage(c.message());
      assertThatThrownBy(() -> vault.store(new Entry("h:2", "u", "s"))).hasMessage(c.message());
      assertThat(Files.readAllBytes(vault.storeFile())).isEqualTo(c.content());
    }
  }

  @Test
  void passphraseModeWrapsTheKeyAndDeletesTheKeyFile() throws Exception {
    Vault plain = vault();
    plain.store(new Entry("h:1", "u", "s3cret"));
    char[] passphrase = "correct horse battery staple".toCharArray();
    plain.setPassphrase(passphrase.clone());

    assertThat(plain.mode()).isEqualTo(Vault.Mode.PASSPHRASE);
    assertThat(plain.keyFile()).doesNotExist();
    assertThatThrownBy(() -> plain.get("h:1"))
        .isInstanceOf(VaultException.class)
        .hasMessage("the credential store " + plain.storeFile() + " is locked; run 'berth credentials unlock'")
        .extracting(e -> ((VaultException) e).kind()).isEqualTo(VaultException.Kind.LOCKED);

    byte[] key = plain.unlock(passphrase.clone());
    Vault unlocked = Vault.at(plain.directory(), v -> key.clone());
    assertThat(unlocked.get("h:1").orElseThrow().secret()).isEqualTo("s3cret");
    unlocked.store(new Entry("h:2", "u2", "two"));
    assertThat(unlocked.list()).hasSize(2);

    assertThatThrownBy(() -> plain.unlock("wrong".toCharArray()))
        .isInstanceOf(VaultException.class)
        .hasMessage("wrong passphrase for " + plain.storeFile());
    byte[] store = Files.readAllBytes(plain.storeFile());
    assertThatThrownBy(() -> Vault.at(plain.directory(), v -> new byte[32]).store(new Entry("h:3", "u", "s")))
        .hasMessageContaining("does not open it");
    assertThat(Files.readAllBytes(plain.storeFile())).isEqualTo(store);

    unlocked.removePassphrase();
    assertThat(plain.mode()).isEqualTo(Vault.Mode.KEY_FILE);
    assertThat(plain.get("h:2").orElseThrow().secret()).isEqualTo("two");
    assertNoFileHolds(dir, "s3cret");
  }

  @Test
  void concurrentWritersLoseNothing() throws Exception {
    Vault vault = vault();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        int id = w;
        done.add(pool.submit(() -> {
          Vault own = Vault.at(vault.directory(), Vault.NO_KEY); // as separate commands would
          for (int i = 0; i < 8; i++) {
            own.store(new Entry("w" + id + "-" + i + ":5000", "u" + id, "p" + i));
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
    assertThat(vault.list()).hasSize(48);
  }

  static void assertNoFileHolds(Path root, String secret) throws Exception {
    byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
    byte[] b64 = Base64.getEncoder().encode(raw);
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(f);
        assertThat(indexOf(content, raw)).as("%s holds the secret", f).isLessThan(0);
        assertThat(indexOf(content, b64)).as("%s holds the secret's base64", f).isLessThan(0);
      }
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
