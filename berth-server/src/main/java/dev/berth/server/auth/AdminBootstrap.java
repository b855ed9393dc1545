package dev.berth.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.model.io.PathLock;
import dev.berth.server.storage.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * First start without a users file: creates user {@code admin} with a random password, stored
 * only as bcrypt in a 0600 file written atomically. The password is returned to be shown once.
 */
public final class AdminBootstrap {
  public static final String USER = "admin";
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final int COST = 10;

  private AdminBootstrap() {}

  /** @return the new admin password, or null when the users file already exists */
  public static String ensureUsersFile(Path file) {
    if (Files.exists(file)) {
      return null;
    }
    SecureRandom random = new SecureRandom();
    StringBuilder password = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(COST, password.toString().toCharArray());
    Path target;
    try {
      target = PathLock.followLinks(file); // a link to where the users file is to be stays a link
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create users file " + file + ": " + e.getMessage(), e);
    }
    AtomicFiles.write(target, (USER + ":" + hash + "\n").getBytes(StandardCharsets.US_ASCII),
        PosixFilePermissions.fromString("rw-------"));
    return password.toString();
  }

  /** The line that tells the user how to log in with the generated password. */
  public static String loginHint(String registry, String password) {
    return loginHint("berth", registry, password);
  }

  /** The same, naming the client as the user runs it ({@code berth}, {@code ./berth}). */
  public static String loginHint(String clientCommand, String registry, String password) {
    return "echo '" + password + "' | " + clientCommand + " login " + registry + " -u " + USER + " --password-stdin";
  }
}
