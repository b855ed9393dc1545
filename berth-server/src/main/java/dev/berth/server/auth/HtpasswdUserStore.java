package dev.berth.server.auth;

import dev.berth.server.auth.store.UserStore;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The embedded {@link UserStore}: an htpasswd file of bcrypt hashes ({@code <storage>/htpasswd} by
 * default, or the one {@code --htpasswd} names), read as {@link UsersFile}, written whole and
 * atomically under a lock by {@link UsersFileEditor}, so {@code htpasswd -B} and Berth can edit it
 * in turn.
 */
public final class HtpasswdUserStore implements UserStore {
  private final Path file;
  private final Supplier<UsersFile> reader;

  private HtpasswdUserStore(Path file, Supplier<UsersFile> reader) {
    this.file = file;
    this.reader = reader;
  }

  /** The server's: read once, then again when the file changes (checked at most once a second). */
  public static HtpasswdUserStore watched(WatchedFile<UsersFile> watched) {
    return new HtpasswdUserStore(watched.file(), watched::current);
  }

  /** A command's: the file as it is at each call. */
  public static HtpasswdUserStore of(Path file) {
    return new HtpasswdUserStore(file, () -> UsersFile.read(file));
  }

  @Override
  public UsersFile current() {
    return reader.get();
  }

  @Override
  public void put(String user, char[] password, int cost, boolean mustExist, boolean create) {
    UsersFileEditor.put(file, user, password, cost, mustExist, create);
  }

  @Override
  public void remove(String user) {
    UsersFileEditor.remove(file, user);
  }
}
