package dev.berth.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Writes users files with the real {@code htpasswd -B} of apache2-utils, so servers are tested
 * against exactly the bcrypt ({@code $2y$}) entries users produce. The password goes through
 * stdin ({@code -i}), never argv.
 */
public final class Htpasswd {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Creates (or replaces) {@code file} with one user. */
  public static Path create(Path file, String user, String password) {
    run(file, user, password, true);
    return file;
  }

  /** Adds a user to {@code file}, or changes the password of an existing one. */
  public static Path add(Path file, String user, String password) {
    run(file, user, password, false);
    return file;
  }

  /** Creates (or replaces) {@code file} with the given users, in iteration order. */
  public static Path write(Path file, Map<String, String> usersAndPasswords) {
    if (usersAndPasswords.isEmpty()) {
      throw new IllegalArgumentException("no users given for " + file);
    }
    boolean first = true;
    for (Map.Entry<String, String> user : usersAndPasswords.entrySet()) {
      run(file, user.getKey(), user.getValue(), first);
      first = false;
    }
    return file;
  }

  private static void run(Path file, String user, String password, boolean create) {
    Path htpasswd = Peers.require("htpasswd", "apache2-utils");
    Exec exec = create
        ? Exec.command(htpasswd.toString(), "-B", "-i", "-c", file.toString(), user)
        : Exec.command(htpasswd.toString(), "-B", "-i", file.toString(), user);
    Exec.Result result = exec.stdin(password).timeout(TIMEOUT).run();
    if (!result.succeeded()) {
      throw new IllegalStateException("htpasswd could not write user " + user + " to " + file
          + ": " + result.stderr().strip());
    }
  }

  private Htpasswd() {}
}
