package dev.berth.credentials.vault;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * Berth's encrypted credential store: every login in one file, sealed with AES-256-GCM.
 *
 * <pre>
 * $BERTH_CREDENTIALS_DIR, else $XDG_DATA_HOME/berth/credentials, else ~/.local/share/berth/credentials  (0700)
 * ├── store   the sealed logins (see {@link VaultFile}), 0600, replaced atomically under a lock
 * └── key     32 random bytes, 0600: the data key, unless a passphrase protects the store
 * </pre>
 *
 * <p><b>What the default key protects against, and what not.</b> The key sits in a file of its own
 * beside the store, readable only by you. That keeps secrets out of {@code config.json} and out of
 * anything that copies, greps, indexes, pastes or commits that file or the store alone. It does not
 * protect against a program running as you (or root), nor against someone who has both files, such
 * as a whole-home backup. With a passphrase ({@link #setPassphrase}), the data key is wrapped with a
 * key derived from it (PBKDF2-HMAC-SHA256, 600 000 iterations) and there is no key file: the store
 * alone, or a backup, is useless without the passphrase; while it is unlocked, the agent holds the
 * key in memory and serves programs running as you.
 *
 * <p>Reads take no lock (a write replaces the file atomically, so a reader sees the old logins or
 * the new); writes lock the store file ({@link LockedFile}). A store that cannot be decrypted is
 * never rewritten.
 */
public final class Vault {
  public static final String STORE_FILE = "store";
  public static final String KEY_FILE = "key";

  /** How the store's data key is protected. */
  public enum Mode { EMPTY, KEY_FILE, PASSPHRASE }

  /** Where a passphrase-protected store's data key comes from (the agent, a prompt); null when none. */
  @FunctionalInterface
  public interface KeySource {
    byte[] dataKey(Vault vault) throws IOException;
  }

  /** No agent and no terminal: a passphrase-protected store stays locked. */
  public static final KeySource NO_KEY = new KeySource() { // a class, not a lambda: no bootstrap at start-up
    @Override
    public byte[] dataKey(Vault vault) {
      return null;
    }
  };

  private final Path dir;
  private final KeySource keys;

  private Vault(Path dir, KeySource keys) {
    this.dir = dir.toAbsolutePath().normalize();
    this.keys = keys;
  }

  public static Vault at(Path dir, KeySource keys) {
    return new Vault(dir, keys);
  }

  /**
   * The store's directory for an environment: {@code BERTH_CREDENTIALS_DIR}, else
   * {@code $XDG_DATA_HOME/berth/credentials}, else {@code ~/.local/share/berth/credentials}.
   */
  public static Path defaultDirectory(Map<String, String> env) {
    String explicit = nonEmpty(env.get("BERTH_CREDENTIALS_DIR"));
    if (explicit != null) {
      return Path.of(explicit);
    }
    String xdg = nonEmpty(env.get("XDG_DATA_HOME"));
    if (xdg != null) {
      return Path.of(xdg, "berth", "credentials");
    }
    String home = nonEmpty(env.get("HOME"));
    return Path.of(home != null ? home : System.getProperty("user.home"), ".local", "share", "berth", "credentials");
  }

  /**
   * Readies the JDK's cryptography (about 30 ms of a fresh JVM; see {@code Crypto#prepare}), once:
   * for a thread that has nothing better to do while the registry answers.
   */
  public static void prepareCrypto() {
    Crypto.prepare();
  }

  public Path directory() {
    return dir;
  }

  public Path storeFile() {
    return dir.resolve(STORE_FILE);
  }

  public Path keyFile() {
    return dir.resolve(KEY_FILE);
  }

  public Mode mode() throws IOException {
    byte[] content = readStore();
    if (VaultFile.isEmpty(content)) {
      return Mode.EMPTY;
    }
    return VaultFile.header(storeFile(), content).passphrase() ? Mode.PASSPHRASE : Mode.KEY_FILE;
  }

  /** The login stored for {@code serverUrl}: the exact key first, else one for the same registry. */
  public Optional<Entry> get(String serverUrl) throws IOException {
    List<Entry> entries = list();
    for (Entry e : entries) {
      if (e.serverUrl().equals(serverUrl)) {
        return Optional.of(e);
      }
    }
    for (Entry e : entries) {
      if (ServerUrls.sameRegistry(e.serverUrl(), serverUrl)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  public List<Entry> list() throws IOException {
    byte[] content = readStore();
    if (VaultFile.isEmpty(content)) {
      return List.of();
    }
    VaultFile.Header header = VaultFile.header(storeFile(), content);
    byte[] key = dataKey(header);
    try {
      return VaultFile.entries(storeFile(), content, header, key, keyHint(header));
    } finally {
      Crypto.wipe(key);
    }
  }

  /** Stores a login under exactly {@code entry.serverUrl()}, replacing one stored under that key. */
  public void store(Entry entry) throws IOException {
    modify(entries -> {
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).serverUrl().equals(entry.serverUrl())) {
          if (entries.get(i).equals(entry)) {
            return false;
          }
          entries.set(i, entry);
          return true;
        }
      }
      entries.add(entry);
      return true;
    });
  }

  /**
   * Forgets the login stored under exactly {@code serverUrl}, or when there is none, every login for
   * the same registry (older tools stored {@code https://host/v1/} forms).
   *
   * @return whether anything was removed
   */
  public boolean erase(String serverUrl) throws IOException {
    if (VaultFile.isEmpty(readStore())) {
      return false;
    }
    return modify(entries -> {
      if (entries.removeIf(e -> e.serverUrl().equals(serverUrl))) {
        return true;
      }
      return entries.removeIf(e -> ServerUrls.sameRegistry(e.serverUrl(), serverUrl));
    });
  }

  /** Forgets every login; returns the server URLs removed. */
  public List<String> eraseAll() throws IOException {
    List<String> removed = new ArrayList<>();
    if (VaultFile.isEmpty(readStore())) {
      return removed;
    }
    modify(entries -> {
      for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
        removed.add(it.next().serverUrl());
        it.remove();
      }
      return !removed.isEmpty();
    });
    return removed;
  }

  /**
   * Protects the store with a passphrase (or changes it): a new data key, wrapped with the
   * passphrase's key, and the key file deleted once the store no longer needs it.
   */
  public void setPassphrase(char[] passphrase) throws IOException {
    if (passphrase.length == 0) {
      throw new VaultException(VaultException.Kind.IO, "the passphrase is empty");
    }
    rewrite(() -> {
      byte[] salt = Crypto.random(Crypto.SALT_BYTES);
      byte[] passphraseKey = Crypto.deriveKey(passphrase, salt, Crypto.PBKDF2_ITERATIONS);
      byte[] dataKey = Crypto.random(Crypto.KEY_BYTES);
      try {
        return new Rekey(VaultFile.Header.passphrase(salt, Crypto.PBKDF2_ITERATIONS, passphraseKey, dataKey), dataKey);
      } finally {
        Crypto.wipe(passphraseKey);
      }
    });
    Files.deleteIfExists(keyFile());
  }

  /** Back to the default: a new data key in the key file, no passphrase. */
  public void removePassphrase() throws IOException {
    rewrite(() -> {
      byte[] dataKey = Crypto.random(Crypto.KEY_BYTES);
      // the key file first: a crash before the store is rewritten leaves an unused key file behind,
      // never a store whose key is gone
      LockedFile.writeAtomically(keyFile(), dataKey);
      return new Rekey(VaultFile.Header.keyFile(), dataKey);
    });
  }

  /**
   * The data key of a passphrase-protected store, opened with {@code passphrase}.
   *
   * @throws VaultException WRONG_KEY for a wrong passphrase
   */
  public byte[] unlock(char[] passphrase) throws IOException {
    byte[] content = readStore();
    if (VaultFile.isEmpty(content)) {
      throw new VaultException(VaultException.Kind.IO, "the credential store " + storeFile() + " is empty");
    }
    VaultFile.Header header = VaultFile.header(storeFile(), content);
    if (!header.passphrase()) {
      throw new VaultException(VaultException.Kind.IO, "the credential store " + storeFile() + " has no passphrase");
    }
    byte[] passphraseKey = null;
    try {
      passphraseKey = Crypto.deriveKey(passphrase, header.salt, header.iterations);
      return header.unwrap(passphraseKey);
    } catch (AEADBadTagException e) {
      throw new VaultException(VaultException.Kind.WRONG_KEY, "wrong passphrase for " + storeFile());
    } catch (GeneralSecurityException e) {
      throw new VaultException(VaultException.Kind.IO, "cannot derive the passphrase key: " + e.getMessage(), e);
    } finally {
      Crypto.wipe(passphraseKey);
    }
  }

  /**
   * Whether {@code dataKey} opens this store: lets an agent check a key before it serves it.
   */
  public List<Entry> listWith(byte[] dataKey) throws IOException {
    byte[] content = readStore();
    if (VaultFile.isEmpty(content)) {
      return List.of();
    }
    VaultFile.Header header = VaultFile.header(storeFile(), content);
    return VaultFile.entries(storeFile(), content, header, dataKey, keyHint(header));
  }

  @FunctionalInterface
  private interface Change {
    boolean apply(List<Entry> entries) throws IOException;
  }

  private record Rekey(VaultFile.Header header, byte[] dataKey) {}

  @FunctionalInterface
  private interface RekeyPlan {
    Rekey make() throws IOException, GeneralSecurityException;
  }

  private boolean modify(Change change) throws IOException {
    return LockedFile.with(storeFile(), locked -> {
      byte[] content = locked.read();
      VaultFile.Header header;
      List<Entry> entries;
      byte[] key;
      if (VaultFile.isEmpty(content)) {
        header = VaultFile.Header.keyFile();
        key = keyFileKey(true);
        entries = new ArrayList<>();
      } else {
        header = VaultFile.header(locked.target(), content);
        key = dataKey(header);
        entries = new ArrayList<>(VaultFile.entries(locked.target(), content, header, key, keyHint(header)));
      }
      try {
        if (!change.apply(entries)) {
          return false;
        }
        locked.write(VaultFile.encode(header, key, entries));
        return true;
      } finally {
        Crypto.wipe(key);
      }
    });
  }

  private void rewrite(RekeyPlan plan) throws IOException {
    LockedFile.with(storeFile(), locked -> {
      byte[] content = locked.read();
      List<Entry> entries = List.of();
      if (!VaultFile.isEmpty(content)) {
        VaultFile.Header header = VaultFile.header(locked.target(), content);
        byte[] key = dataKey(header);
        try {
          entries = VaultFile.entries(locked.target(), content, header, key, keyHint(header));
        } finally {
          Crypto.wipe(key);
        }
      }
      Rekey rekey;
      try {
        rekey = plan.make();
      } catch (GeneralSecurityException e) {
        throw new VaultException(VaultException.Kind.IO, "cannot make a new key: " + e.getMessage(), e);
      }
      try {
        locked.write(VaultFile.encode(rekey.header(), rekey.dataKey(), entries));
      } finally {
        Crypto.wipe(rekey.dataKey());
      }
      return null;
    });
  }

  private byte[] dataKey(VaultFile.Header header) throws IOException {
    if (!header.passphrase()) {
      return keyFileKey(false);
    }
    byte[] key = keys.dataKey(this);
    if (key == null) {
      throw new VaultException(VaultException.Kind.LOCKED, "the credential store " + storeFile()
          + " is locked; run 'berth credentials unlock'");
    }
    return key;
  }

  // The default key: created with the first login; a missing one beside an existing store is an
  // error (making a new one would orphan every login in it).
  private byte[] keyFileKey(boolean createIfMissing) throws IOException {
    Path file = keyFile();
    try {
      byte[] key = readFile(file);
      if (key.length != Crypto.KEY_BYTES) {
        throw new VaultException(VaultException.Kind.CORRUPT, "cannot use the key file " + file + ": it holds "
            + key.length + " bytes, not " + Crypto.KEY_BYTES);
      }
      return key;
    } catch (FileNotFoundException | NoSuchFileException e) {
      if (!Files.exists(file) && createIfMissing) {
        byte[] key = Crypto.random(Crypto.KEY_BYTES);
        LockedFile.createDirectories(dir);
        LockedFile.writeAtomically(file, key);
        return key;
      }
      if (!Files.exists(file)) {
        throw new VaultException(VaultException.Kind.WRONG_KEY, "cannot decrypt " + storeFile() + ": its key file "
            + file + " is missing (restore it, or move the store aside to start over)");
      }
      throw new VaultException(VaultException.Kind.IO, "cannot read the key file " + file + ": " + e.getMessage());
    }
  }

  private String keyHint(VaultFile.Header header) {
    return header.passphrase() ? "the passphrase's key" : "the key in " + keyFile();
  }

  // in step with this JVM's writers (an agent serves reads and writes at once): closing a
  // descriptor of the store drops a lock another thread holds on it
  private byte[] readStore() throws IOException {
    try {
      return LockedFile.readShared(storeFile());
    } catch (FileNotFoundException | NoSuchFileException e) {
      if (!Files.exists(storeFile())) {
        return new byte[0];
      }
      throw new VaultException(VaultException.Kind.IO, "cannot read " + storeFile() + ": " + e.getMessage());
    }
  }

  private static byte[] readFile(Path file) throws IOException {
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      return in.readAllBytes();
    }
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
