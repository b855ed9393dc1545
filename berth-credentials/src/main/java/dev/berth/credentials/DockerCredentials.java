package dev.berth.credentials;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The credentials docker would use for a registry, found as docker finds them.
 *
 * <p>Lookup order for a registry (keyed by {@link RegistryHosts#configKey}):
 *
 * <ol>
 *   <li>{@code credHelpers[KEY]}: the registry's own helper ({@code docker-credential-NAME});
 *   <li>{@code credsStore}: the default helper for every registry;
 *   <li>{@code auths[KEY]}: the plaintext entry ({@code auth} = base64 {@code user:password}), also
 *       under a legacy URL form of the same host.
 * </ol>
 *
 * The first that has credentials wins. A helper that fails (not installed, keychain locked) is
 * reported through the warning sink and the lookup goes on, so a broken helper does not hide
 * working credentials further down. Storing goes to the first configured place only: a configured
 * helper never silently falls back to plain text.
 */
public final class DockerCredentials {
  private final DockerConfigFile file;
  private final HelperLauncher launcher;
  private final Consumer<String> warnings;

  public DockerCredentials(DockerConfigFile file, HelperLauncher launcher, Consumer<String> warnings) {
    this.file = Objects.requireNonNull(file);
    this.launcher = Objects.requireNonNull(launcher);
    this.warnings = Objects.requireNonNull(warnings);
  }

  /**
   * The usual set-up: {@code config.json} in docker's config directory, helpers as real processes
   * found on {@code env}'s {@code PATH}.
   */
  public static DockerCredentials open(Path dockerConfigDir, Map<String, String> env, Consumer<String> warnings) {
    return new DockerCredentials(DockerConfigFile.inDirectory(dockerConfigDir), HelperLauncher.processes(env), warnings);
  }

  public DockerConfigFile configFile() {
    return file;
  }

  /**
   * Credentials for a registry host ({@code localhost:5000}, {@code docker.io}) or a server as typed
   * to login; empty when none is stored anywhere.
   *
   * @throws ConfigFileException when config.json cannot be parsed
   */
  public Optional<Credentials> lookup(String registry) throws IOException {
    String key = RegistryHosts.configKey(registry);
    Map<String, Object> root = file.read();
    String specific = helperFor(root, key);
    if (specific != null) {
      Optional<Credentials> found = askHelper(specific, key);
      if (found.isPresent()) {
        return found;
      }
    }
    if (root.get("credsStore") instanceof String store && !store.isEmpty() && !store.equals(specific)) {
      Optional<Credentials> found = askHelper(store, key);
      if (found.isPresent()) {
        return found;
      }
    }
    return new FileCredentialStore(file).get(key);
  }

  /** Where a login to this key is stored: its helper, the default helper, else the file. */
  public CredentialStore storeFor(String key) throws IOException {
    Map<String, Object> root = file.read();
    String helper = helperFor(root, key);
    if (helper == null && root.get("credsStore") instanceof String store && !store.isEmpty()) {
      helper = store;
    }
    if (helper == null) {
      return new FileCredentialStore(file);
    }
    try {
      return new CredentialHelperStore(helper, launcher);
    } catch (IllegalArgumentException e) {
      // "../x" and the like: never run, and said in one line rather than as a crash
      throw new IOException(e.getMessage() + " (in " + file.path() + ")");
    }
  }

  /**
   * Stores a login where docker would ({@link #storeFor}); with a helper, the file keeps only an
   * empty {@code auths} entry for the registry, as docker's does.
   *
   * @return the store that now holds the secret
   */
  public CredentialStore store(String key, Credentials credentials) throws IOException {
    CredentialStore target = storeFor(key);
    target.store(key, credentials);
    if (target instanceof CredentialHelperStore) {
      new FileCredentialStore(file).recordHelperLogin(key);
    }
    return target;
  }

  /**
   * Forgets a registry everywhere docker might have put it: the configured helper and the file
   * (helpers' stores also leave an empty {@code auths} entry behind).
   *
   * @return whether anything was removed
   */
  public boolean erase(String key) throws IOException {
    boolean removed = false;
    CredentialStore store = storeFor(key);
    if (store instanceof CredentialHelperStore helper) {
      for (String candidate : RegistryHosts.keysToErase(key)) {
        try {
          removed |= helper.erase(candidate);
        } catch (IOException e) {
          warnings.accept("could not erase credentials for " + candidate + ": " + e.getMessage());
        }
      }
    }
    removed |= new FileCredentialStore(file).erase(key);
    return removed;
  }

  private static String helperFor(Map<String, Object> root, String key) {
    if (root.get("credHelpers") instanceof Map<?, ?> helpers) {
      Object name = helpers.get(key);
      if (name == null) {
        name = helpers.get(RegistryHosts.toHostname(key));
      }
      if (name instanceof String s && !s.isEmpty()) {
        return s;
      }
    }
    return null;
  }

  private Optional<Credentials> askHelper(String name, String key) {
    try {
      return new CredentialHelperStore(name, launcher).get(key);
    } catch (IOException | IllegalArgumentException e) {
      warnings.accept("credential helper for " + key + " failed, trying the next source: " + e.getMessage());
      return Optional.empty();
    }
  }
}
