package dev.berth.server.auth;

import dev.berth.model.ErrorCode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * HTTP Basic against an htpasswd users file. Every authenticated user gets every access (the file
 * has no rules); anything else gets a challenge with {@code WWW-Authenticate: Basic realm=...}.
 *
 * <p>bcrypt runs on {@code verifier} (never an I/O thread) and only when the credential cache
 * misses. The file is re-read when it changes (checked at most once a second); a file that
 * becomes invalid refuses everyone until fixed, rather than keeping stale users alive.
 */
public final class BasicAccessController implements AccessController {
  private static final long RECHECK_NANOS = Duration.ofSeconds(1).toNanos();

  private final Path file;
  private final String realm;
  private final Executor verifier;
  private final PrintStream log;
  private final CredentialCache cache = new CredentialCache(Duration.ofMinutes(1), System::nanoTime);
  private volatile UsersFile users;
  private volatile Object stamp;
  private volatile long checkedAt = System.nanoTime();

  /** Reads {@code file} now; an invalid file fails here, with a message naming the problem. */
  public BasicAccessController(Path file, String realm, Executor verifier, PrintStream log) {
    this.file = file;
    this.realm = realm;
    this.verifier = verifier;
    this.log = log;
    this.stamp = stamp(file);
    this.users = UsersFile.read(file);
  }

  @Override
  public CompletionStage<Decision> authorize(AccessRequest request) {
    String[] userAndPassword = parseBasic(request.authorization());
    if (userAndPassword == null) {
      return CompletableFuture.completedFuture(challenge(request));
    }
    String user = userAndPassword[0];
    byte[] password = userAndPassword[1].getBytes(StandardCharsets.UTF_8);
    UsersFile current = currentUsers();
    if (current == null) {
      return CompletableFuture.completedFuture(challenge(request));
    }
    if (cache.contains(user, password)) {
      Arrays.fill(password, (byte) 0);
      return CompletableFuture.completedFuture(new AllAccess(user));
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        if (current.verify(user, password)) {
          if (current == users) {
            cache.put(user, password);
          }
          return (Decision) new AllAccess(user);
        }
        return challenge(request);
      } finally {
        Arrays.fill(password, (byte) 0);
      }
    }, verifier);
  }

  private Decision.Challenge challenge(AccessRequest request) {
    java.util.List<Map<String, String>> detail = new java.util.ArrayList<>();
    for (Scope scope : request.required()) {
      for (Action action : scope.actions()) {
        detail.add(Map.of("Type", scope.type(), "Name", scope.name(), "Action", action.scopeName()));
      }
    }
    return new Decision.Challenge(ErrorCode.UNAUTHORIZED, ErrorCode.UNAUTHORIZED.message(),
        Map.of("WWW-Authenticate", "Basic realm=\"" + realm + "\""), detail.isEmpty() ? null : detail);
  }

  /** The users now in force, re-read if the file changed; null while the file is invalid. */
  private UsersFile currentUsers() {
    long now = System.nanoTime();
    if (now - checkedAt < RECHECK_NANOS) {
      return users;
    }
    checkedAt = now;
    Object s = stamp(file);
    if (!s.equals(stamp)) {
      synchronized (this) {
        if (!s.equals(stamp)) {
          cache.clear();
          try {
            users = UsersFile.read(file);
            log.println("users file " + file + " changed: " + users.size() + " user(s) loaded");
          } catch (RuntimeException e) {
            users = null;
            log.println("warning: refusing all logins until the users file is fixed: " + e.getMessage());
          }
          stamp = s;
        }
      }
    }
    return users;
  }

  private static Object stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return Arrays.asList(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (IOException e) {
      return "missing";
    }
  }

  /** {@code Basic base64(user:password)} → {user, password}, or null. */
  static String[] parseBasic(String header) {
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  private record AllAccess(String subject) implements Decision.Grant {
    @Override
    public boolean allows(String repository, Action action) {
      return true;
    }
  }
}
