package dev.berth.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.model.io.AtomicWrite;
import dev.berth.model.io.LockedChannel;
import dev.berth.model.io.PathLock;
import dev.berth.server.storage.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Changes an htpasswd users file the way {@code htpasswd -B} would, so that either tool can edit
 * what the other wrote: one {@code user:$2y$…} line per user, other lines (comments, users with
 * other hash types) kept as they are, in their order.
 *
 * <p>A change is a read-modify-write under a lock on the file ({@link PathLock}), finished by an
 * atomic rename (a crash leaves the old file or the new one). Two editors at once: the second waits
 * for the lock, then sees that the file it locked was replaced and starts over on the new one, so
 * no change is lost. The file keeps its permissions; a new one is 0600. A users file that is a
 * symbolic link stays one: the file it names is replaced.
 */
public final class UsersFileEditor {
  public static final int DEFAULT_COST = 10;

  private UsersFileEditor() {}

  /** Checks a user name: what htpasswd can store and a Basic header can carry. */
  public static void validateName(String user) {
    if (user == null || user.isEmpty() || user.length() > 255) {
      throw new IllegalArgumentException("invalid user name '" + user + "': 1 to 255 characters");
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c == ':' || c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException("invalid user name '" + user
            + "': no spaces, colons or control characters");
      }
    }
  }

  /** A bcrypt hash as htpasswd writes it ({@code $2y$}). */
  public static String hash(char[] password, int cost) {
    return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(cost, password);
  }

  /**
   * Adds the user, or changes their password.
   *
   * @param mustExist true for a password change (refused for an unknown user), false for an add
   *     (refused for a known one)
   */
  public static void put(Path file, String user, char[] password, int cost, boolean mustExist, boolean create) {
    validateName(user);
    String line = user + ":" + hash(password, cost);
    edit(file, create, lines -> {
      int at = indexOf(lines, user);
      if (mustExist && at < 0) {
        throw new IllegalArgumentException("no user '" + user + "' in " + file);
      }
      if (!mustExist && at >= 0) {
        throw new IllegalArgumentException("user '" + user + "' already exists in " + file
            + " (change the password with: berth user passwd " + user + ")");
      }
      if (at >= 0) {
        lines.set(at, line);
      } else {
        lines.add(line);
      }
    });
  }

  /** Removes the user. @throws IllegalArgumentException when there is no such user */
  public static void remove(Path file, String user) {
    edit(file, false, lines -> {
      int at = indexOf(lines, user);
      if (at < 0) {
        throw new IllegalArgumentException("no user '" + user + "' in " + file);
      }
      lines.remove(at);
    });
  }

  private static int indexOf(List<String> lines, String user) {
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith(user + ":")) {
        return i;
      }
    }
    return -1;
  }

  private interface Change {
    void apply(List<String> lines);
  }

  private static void edit(Path file, boolean create, Change change) {
    Path target;
    try {
      target = PathLock.followLinks(file); // a symlinked users file stays a link; its target is replaced
    } catch (IOException e) {
      throw new UncheckedIOException("cannot change users file " + file + ": " + e.getMessage(), e);
    }
    // held while a missing file is created too: threads of this JVM create it one at a time
    try (PathLock local = PathLock.take(target)) {
      editLocked(file, local, create, change);
    }
  }

  private static void editLocked(Path file, PathLock local, boolean create, Change change) {
    Path target = local.file();
    for (int attempt = 0; attempt < 100; attempt++) {
      if (!Files.exists(target)) {
        if (!create) {
          throw new IllegalArgumentException("users file " + file + " does not exist");
        }
        List<String> lines = new ArrayList<>();
        change.apply(lines);
        try {
          AtomicWrite.createDirectories(target.getParent());
          // 0600 from its creation (a mode is given), and linked rather than committed: a link
          // fails if someone else created the file meanwhile, and then we edit theirs
          try (AtomicWrite temp = AtomicWrite.beside(target, PosixFilePermissions.fromString("rw-------"))) {
            temp.write(content(lines));
            try {
              Files.createLink(target, temp.path());
            } catch (java.nio.file.FileAlreadyExistsException e) {
              continue;
            }
          }
          AtomicWrite.syncDirectory(target.getParent());
          return;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write users file " + file + ": " + e.getMessage(), e);
        }
      }
      try (LockedChannel locked = local.lockFile()) {
        if (locked == null) {
          continue; // another editor replaced (or removed) the file meanwhile: start over on the new one
        }
        byte[] current = locked.read(64 * 1024 * 1024, "larger than 64 MiB");
        List<String> lines = new ArrayList<>(new String(current, StandardCharsets.UTF_8).lines().toList());
        change.apply(lines);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target);
        AtomicFiles.write(target, content(lines), permissions);
        return;
      } catch (NoSuchFileException e) {
        // removed under us: start over
      } catch (IOException e) {
        throw new UncheckedIOException("cannot change users file " + file + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("users file " + file + " kept changing; try again");
  }

  private static byte[] content(List<String> lines) {
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append(l).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
