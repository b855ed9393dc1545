package dev.berth.server.auth;

import dev.berth.server.auth.rules.AccessRules;
import dev.berth.server.auth.rules.RulesFile;
import dev.berth.server.auth.store.AuthStore;
import dev.berth.server.auth.store.UserStore;
import dev.berth.server.auth.store.SqliteAuthStore;
import dev.berth.server.auth.token.AccessTokens;
import dev.berth.server.auth.token.RevocationList;
import dev.berth.server.auth.token.SigningKeys;
import dev.berth.server.auth.token.TokenService;
import dev.berth.server.observe.AuditLog;
import dev.berth.server.storage.StorageLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The registry's authentication and authorization, assembled from {@link AuthSettings}: users
 * (an htpasswd file), access rules, the token and revocation store, the signing keys, and the
 * {@link AccessController} for the chosen mode. Users, rules and keys are files re-read when they
 * change; the store is polled ({@link #poll}) so that changes made by other processes
 * ({@code berth user}, {@code berth token}) apply without a restart.
 */
public final class AuthSystem implements AutoCloseable {
  private final AuthSettings settings;
  private final WatchedFile<UsersFile> users;
  private final WatchedFile<AccessRules> rules;
  private final WatchedFile<SigningKeys> keys;
  private final AuthStore store;
  private final RevocationList revocations;
  private final CredentialChecker checker;
  private final TokenService tokenService;
  private final AccessController controller;
  private final ExecutorService bcrypt;
  private final ExecutorService storeWork;
  private volatile long generation = -1;

  private AuthSystem(AuthSettings settings, WatchedFile<UsersFile> users, WatchedFile<AccessRules> rules,
      WatchedFile<SigningKeys> keys, AuthStore store, ExecutorService bcrypt, ExecutorService storeWork,
      Function<String, String> realmForHost, Clock clock, AuditLog audit) {
    this.settings = settings;
    this.users = users;
    this.rules = rules;
    this.keys = keys;
    this.store = store;
    this.bcrypt = bcrypt;
    this.storeWork = storeWork;
    // users come through the UserStore seam (htpasswd here); the watched file also tells when they changed
    UserStore userStore = HtpasswdUserStore.watched(users);
    this.checker = new CredentialChecker(userStore::current, store, bcrypt, storeWork, new LoginThrottle(), clock, audit);
    users.onChange(checker::forgetVerified);
    if (keys != null) {
      AccessTokens tokens = new AccessTokens(keys::current, settings.issuer(), settings.service(),
          settings.accessTokenLifetime(), clock);
      this.revocations = new RevocationList(store,
          settings.accessTokenLifetime().plus(AccessTokens.LEEWAY).plus(Duration.ofMinutes(1)), clock);
      this.tokenService = new TokenService(tokens, checker, store, rules::current, userStore::current, revocations,
          storeWork, clock, settings.refreshTokenLifetime(), checker::forgetVerified, audit);
    } else {
      this.revocations = null;
      this.tokenService = null;
    }
    this.controller = switch (settings.mode()) {
      case NONE -> new OpenAccessController();
      case BASIC -> new BasicAccessController(checker, rules::current, "Berth Registry");
      case TOKEN -> new TokenAccessController(tokenService.tokens(), revocations, rules::current, userStore::current,
          checker, realmForHost, audit);
    };
  }

  /**
   * Opens everything, creating the defaults a first start needs (rules file, store, signing key).
   * The users file must exist (the caller creates the default one with an admin first).
   *
   * @param realmForHost the token endpoint's URL for a request's Host header
   * @throws IllegalArgumentException with a one-line message naming the file and the problem
   */
  public static AuthSystem open(AuthSettings settings, StorageLayout layout, Path usersFile,
      Function<String, String> realmForHost, Consumer<String> log) {
    return open(settings, layout, usersFile, realmForHost, log, AuditLog.NONE);
  }

  /** @param audit where logins, tokens issued and revoked go */
  public static AuthSystem open(AuthSettings settings, StorageLayout layout, Path usersFile,
      Function<String, String> realmForHost, Consumer<String> log, AuditLog audit) {
    if (!Files.exists(usersFile)) {
      throw new IllegalArgumentException("users file " + usersFile + " does not exist (create it with: berth user add"
          + " NAME --htpasswd " + usersFile + ", or htpasswd -B -c " + usersFile + " NAME)");
    }
    Path rulesFile = settings.rulesFile();
    if (rulesFile == null) {
      rulesFile = layout.rulesFile();
      if (RulesFile.ensureDefault(rulesFile)) {
        log.accept("created access rules " + rulesFile + ": authenticated users may pull and push, group admins"
            + " (user admin) may also delete, anonymous clients nothing");
      }
    } else if (!Files.exists(rulesFile)) {
      throw new IllegalArgumentException("rules file " + rulesFile + " does not exist");
    }
    WatchedFile<UsersFile> users = new WatchedFile<>(usersFile, UsersFile::read, WatchedFile.OnInvalid.NOTHING,
        "users file", log);
    WatchedFile<AccessRules> rules = new WatchedFile<>(rulesFile, RulesFile::read, WatchedFile.OnInvalid.KEEP_LAST,
        "rules file", log);
    WatchedFile<SigningKeys> keys = null;
    if (settings.mode() == AuthSettings.Mode.TOKEN) {
      SigningKeys.loadOrCreate(layout.authDir());
      keys = new WatchedFile<>(SigningKeys.keysFile(layout.authDir()), SigningKeys::read,
          WatchedFile.OnInvalid.KEEP_LAST, "token signing keys", log);
    }
    AuthStore store = SqliteAuthStore.open(layout.authStateFile());
    // bcrypt is slow on purpose: two threads, and a short queue beyond which logins are told to
    // come back, so a flood of guesses never makes good logins wait behind it
    ExecutorService bcrypt = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
        daemon("berth-password-check"), new ThreadPoolExecutor.AbortPolicy());
    ExecutorService storeWork = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
        daemon("berth-auth-store"), new ThreadPoolExecutor.AbortPolicy());
    AuthSystem system = new AuthSystem(settings, users, rules, keys, store, bcrypt, storeWork, realmForHost,
        Clock.systemUTC(), audit);
    system.poll();
    return system;
  }

  public AuthSettings settings() {
    return settings;
  }

  public AccessController controller() {
    return controller;
  }

  /** The token service; null unless the mode is token. */
  public TokenService tokenService() {
    return tokenService;
  }

  public Path usersFile() {
    return users.file();
  }

  public Path rulesFile() {
    return rules.file();
  }

  /**
   * Picks up changes other processes made (blocking; call it about once a second off the event
   * loop): re-reads users, rules and keys if their files changed, and revocations if the store's
   * generation moved.
   */
  public void poll() {
    users.current();
    rules.current();
    if (keys != null) {
      keys.current();
    }
    long now = store.generation();
    if (now != generation) {
      generation = now;
      if (revocations != null) {
        revocations.refresh();
      }
      checker.forgetVerified();
    }
  }

  /**
   * Re-reads users, rules and signing keys now if their files changed (SIGHUP), instead of at the
   * next once-a-second check.
   */
  public void reload() {
    users.reloadIfChanged();
    rules.reloadIfChanged();
    if (keys != null) {
      keys.reloadIfChanged();
    }
    poll();
  }

  @Override
  public void close() {
    bcrypt.shutdownNow();
    storeWork.shutdownNow();
    store.close();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
