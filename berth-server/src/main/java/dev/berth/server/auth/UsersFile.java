package dev.berth.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Apache htpasswd file of bcrypt entries ({@code user:$2y$05$...}, as {@code htpasswd -B}
 * writes). Other hash types (MD5 {@code $apr1$}, SHA1 {@code {SHA}}, crypt, plain) are refused
 * when the file is read, naming the user, rather than silently never matching.
 */
public final class UsersFile implements dev.berth.server.auth.store.UserStore.Users {
  // htpasswd hashes the first 72 bytes of longer passwords; so do we, for the same answer.
  private static final BCrypt.Verifyer VERIFYER =
      BCrypt.verifyer(BCrypt.Version.VERSION_2A, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A));

  private final Path path;
  private final Map<String, byte[]> hashes;
  /**
   * Unknown users are checked against this hash (same cost as the file's own) so that a wrong
   * user name costs the same time as a wrong password: timing does not reveal who exists.
   */
  private final byte[] dummyHash;

  private UsersFile(Path path, Map<String, byte[]> hashes, int cost) {
    this.path = path;
    this.hashes = hashes;
    byte[] random = new byte[32];
    new java.security.SecureRandom().nextBytes(random);
    this.dummyHash = BCrypt.with(BCrypt.Version.VERSION_2Y).hash(cost, random);
  }

  /**
   * Reads and checks the file.
   *
   * @throws IllegalArgumentException naming the file, line and user when an entry is not bcrypt
   */
  public static UsersFile read(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read users file " + path + ": " + e.getMessage(), e);
    }
    Map<String, byte[]> hashes = new HashMap<>();
    int cost = BCrypt.MIN_COST;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "users file " + path + " line " + (i + 1) + " is not user:hash");
      }
      String user = line.substring(0, colon);
      String hash = line.substring(colon + 1);
      if (!isBcrypt(hash)) {
        throw new IllegalArgumentException("users file " + path + ": user '" + user
            + "' has a " + hashType(hash) + " password hash; only bcrypt is supported"
            + " (recreate it with: htpasswd -B " + path + " " + user + ")");
      }
      hashes.put(user, hash.getBytes(StandardCharsets.US_ASCII));
      cost = Math.max(cost, Integer.parseInt(hash.substring(4, 6)));
    }
    return new UsersFile(path, Map.copyOf(hashes), cost);
  }

  public Path path() {
    return path;
  }

  public int size() {
    return hashes.size();
  }

  @Override
  public boolean contains(String user) {
    return hashes.containsKey(user);
  }

  @Override
  public java.util.List<String> names() {
    return hashes.keySet().stream().sorted().toList();
  }

  /** Checks a password (UTF-8 bytes) with bcrypt; slow on purpose, call it off I/O threads. */
  @Override
  public boolean verify(String user, byte[] password) {
    byte[] hash = hashes.get(user);
    boolean known = hash != null;
    boolean ok;
    try {
      ok = VERIFYER.verify(password, known ? hash : dummyHash).verified;
    } catch (IllegalArgumentException e) {
      ok = false;
    }
    return known && ok;
  }

  static boolean isBcrypt(String hash) {
    return (hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$"))
        && hash.length() == 60 && hash.charAt(6) == '$'
        && Character.isDigit(hash.charAt(4)) && Character.isDigit(hash.charAt(5));
  }

  private static String hashType(String hash) {
    if (hash.startsWith("$apr1$")) {
      return "MD5 ($apr1$)";
    }
    if (hash.startsWith("{SHA}")) {
      return "SHA-1 ({SHA})";
    }
    if (hash.startsWith("$1$")) {
      return "MD5-crypt ($1$)";
    }
    if (hash.startsWith("$5$") || hash.startsWith("$6$")) {
      return "SHA-crypt (" + hash.substring(0, 3) + ")";
    }
    if (hash.startsWith("$2")) {
      return "malformed bcrypt";
    }
    return hash.length() == 13 ? "DES crypt" : "plain text or unknown";
  }
}
