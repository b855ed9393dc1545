package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

/**
 * A throw-away {@code pass} password store for {@code docker-credential-pass}: a fresh GnuPG home
 * with a key made for the test (no passphrase), and {@code pass init} with it. Nothing touches the
 * user's own keys or store. Close stops the gpg-agent that gpg started for the home and deletes it.
 *
 * <pre>{@code
 * try (PassStore pass = PassStore.create(dir.resolve("pass"))) {
 *   Exec.command("docker-credential-pass", "get").env(pass.env()).stdin("host:5000").run();
 * }
 * }</pre>
 */
public final class PassStore implements AutoCloseable {
  private final Path root;
  private final Path gnupgHome;
  private final Path storeDir;

  private PassStore(Path root) {
    this.root = root;
    this.gnupgHome = root.resolve("g"); // gpg-agent's socket path must stay short
    this.storeDir = root.resolve("store");
  }

  /** Makes the key and the store (needs gpg, pass and docker-credential-pass; fails naming the package). */
  public static PassStore create(Path root) {
    Peers.require("gpg", "gnupg");
    Peers.require("pass", "pass");
    Peers.require("docker-credential-pass", "golang-docker-credential-helpers");
    PassStore store = new PassStore(root);
    try {
      Files.createDirectories(root);
      Files.createDirectory(store.gnupgHome, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + root, e);
    }
    Duration timeout = Duration.ofSeconds(60);
    Exec.command("gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "",
            "--quick-gen-key", "Berth Test <test@berth.invalid>", "default", "default", "never")
        .env(store.env()).timeout(timeout).run().requireSuccess();
    String listing = Exec.command("gpg", "--batch", "--list-keys", "--with-colons")
        .env(store.env()).timeout(timeout).run().requireSuccess().stdout();
    String fingerprint = listing.lines().filter(l -> l.startsWith("fpr:")).findFirst()
        .map(l -> l.split(":")[9]).orElseThrow(() -> new IllegalStateException("gpg made no key:\n" + listing));
    Exec.command("pass", "init", fingerprint).env(store.env()).timeout(timeout).run().requireSuccess();
    return store;
  }

  /** GNUPGHOME and PASSWORD_STORE_DIR for programs that should use this store. */
  public Map<String, String> env() {
    return Map.of("GNUPGHOME", gnupgHome.toString(), "PASSWORD_STORE_DIR", storeDir.toString());
  }

  public Path storeDir() {
    return storeDir;
  }

  @Override
  public void close() {
    try {
      Exec.command("gpgconf", "--kill", "gpg-agent").env(env()).timeout(Duration.ofSeconds(20)).run();
    } catch (RuntimeException e) {
      // best effort: the agent also exits when its home disappears
    }
    TempDirs.deleteRecursively(root);
  }
}
