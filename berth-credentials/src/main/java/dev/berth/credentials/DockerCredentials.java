package dev.berth.credentials;

import dev.berth.credentials.vault.Vault;
import dev.berth.credentials.vault.VaultException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The credentials docker would use for a registry, found as docker finds them, and logins stored
 * where docker, skopeo, podman and Jib all find them.
 *
 * <p>Lookup order for a registry (keyed by {@link RegistryHosts#configKey}), the first that has
 * credentials wins:
 *
 * <ol>
 *   <li>{@code DOCKER_AUTH_CONFIG} (docker 28): an {@code auths} document in the environment;
 *   <li>config.json {@code credHelpers[KEY]}: the registry's own helper ({@code docker-credential-NAME});
 *   <li>config.json {@code credsStore}: the default helper for every registry;
 *   <li>config.json {@code auths}: a repository-scoped key ({@code host/ns/repo}, then {@code host/ns}),
 *       the registry's key, then a legacy URL form of the same host;
 *   <li>containers-image's auth files ({@code REGISTRY_AUTH_FILE} or
 *       {@code $XDG_RUNTIME_DIR/containers/auth.json}, then {@code ~/.config/containers/auth.json}),
 *       with their own {@code credHelpers} and scoped keys.
 * </ol>
 *
 * A helper named {@code berth} is Berth's encrypted store, used in-process rather than by starting
 * {@code docker-credential-berth}. A helper that fails (not installed, keychain locked) is reported
 * through the warning sink and the lookup goes on, so a broken helper does not hide working
 * credentials further down.
 *
 * <p>Storing ({@link #store}) goes to one place, chosen by {@link #plan}: an explicit choice, else
 * the registry's helper, else {@code credsStore}, else Berth's encrypted store when
 * {@code docker-credential-berth} is on PATH, else plain text. A configured helper never silently
 * falls back to plain text, and config.json never names a helper that is not on PATH.
 */
public final class DockerCredentials {
  /** Where a login's secret is kept. */
  public enum Kind { FILE, BERTH, HELPER }

  /** The store a login goes to: the plaintext file, Berth's encrypted store, or another helper. */
  public record Target(Kind kind, String helper) {
    public static final Target FILE = new Target(Kind.FILE, null);
    public static final Target BERTH = new Target(Kind.BERTH, VaultCredentialStore.HELPER_NAME);

    public static Target helper(String name) {
      return name.equals(VaultCredentialStore.HELPER_NAME) ? BERTH : new Target(Kind.HELPER, name);
    }
  }

  private final DockerConfigFile file;
  private final HelperLauncher launcher;
  private final Consumer<String> warnings;
  private final Map<String, String> env;
  private final Vault vault;

  public DockerCredentials(DockerConfigFile file, HelperLauncher launcher, Consumer<String> warnings,
      Map<String, String> env, Vault vault) {
    this.file = Objects.requireNonNull(file);
    this.launcher = Objects.requireNonNull(launcher);
    this.warnings = Objects.requireNonNull(warnings);
    this.env = Map.copyOf(env);
    this.vault = Objects.requireNonNull(vault);
  }

  /**
   * The usual set-up: {@code config.json} in docker's config directory, helpers as real processes
   * found on {@code env}'s {@code PATH}, Berth's store where {@link Vault#defaultDirectory} says.
   */
  public static DockerCredentials open(Path dockerConfigDir, Map<String, String> env, Consumer<String> warnings) {
    return open(dockerConfigDir, env, warnings, Vault.NO_KEY);
  }

  /** As {@link #open(Path, Map, Consumer)}, with a way to unlock a passphrase-protected store. */
  public static DockerCredentials open(Path dockerConfigDir, Map<String, String> env, Consumer<String> warnings,
      Vault.KeySource keys) {
    return new DockerCredentials(DockerConfigFile.inDirectory(dockerConfigDir), HelperLauncher.processes(env),
        warnings, env, Vault.at(Vault.defaultDirectory(env), keys));
  }

  public DockerConfigFile configFile() {
    return file;
  }

  public Vault vault() {
    return vault;
  }

  public HelperLauncher launcher() {
    return launcher;
  }

  /**
   * Credentials for a registry host ({@code localhost:5000}, {@code docker.io}) or a server as typed
   * to login; empty when none is stored anywhere.
   *
   * @throws ConfigFileException when config.json cannot be parsed
   */
  public Optional<Credentials> lookup(String registry) throws IOException {
    return lookup(registry, null);
  }

  /** As {@link #lookup(String)} for an image's repository, so repository-scoped keys apply. */
  public Optional<Credentials> lookup(String registry, String repository) throws IOException {
    String key = RegistryHosts.configKey(registry);
    List<String> scoped = OtherAuthSources.scopedKeys(RegistryHosts.toHostname(registry), repository);

    Optional<Credentials> fromEnv = fromEnvironment(key, scoped);
    if (fromEnv.isPresent()) {
      return fromEnv;
    }
    Map<String, Object> root = file.read();
    String specific = helperFor(root, key);
    if (specific != null) {
      Optional<Credentials> found = askHelper(specific, key);
      if (found.isPresent()) {
        return found;
      }
    }
    String store = credsStore(root);
    if (store != null && !store.equals(specific)) {
      Optional<Credentials> found = askHelper(store, key);
      if (found.isPresent()) {
        return found;
      }
    }
    Optional<Credentials> plain = new FileCredentialStore(file).get(key, scoped);
    if (plain.isPresent()) {
      return plain;
    }
    for (Path authFile : OtherAuthSources.containersAuthFiles(env)) {
      Optional<Credentials> found = fromContainersFile(authFile, key, scoped);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * Where a login to {@code key} goes: {@code requested} ({@code file}, {@code berth} or a helper's
   * name) when given, else the registry's helper, else {@code credsStore}, else Berth's encrypted
   * store when its helper is on PATH, else the file.
   *
   * @throws IOException for a choice docker would not honour (a plaintext entry hidden by a helper)
   */
  public Target plan(String key, String requested) throws IOException {
    Map<String, Object> root = file.read();
    String specific = helperFor(root, key);
    String store = credsStore(root);
    if (requested != null && !requested.isEmpty()) {
      if (requested.equals("file")) {
        String hiding = specific != null ? specific : store;
        if (hiding != null) {
          throw new IOException(file.path() + " sends " + key + " to docker-credential-" + hiding + " ("
              + (specific != null ? "credHelpers" : "credsStore") + "); docker would not read a plaintext entry."
              + " Remove that setting first, or choose --store " + hiding);
        }
        return Target.FILE;
      }
      return Target.helper(requested);
    }
    if (specific != null) {
      return Target.helper(specific);
    }
    if (store != null) {
      return Target.helper(store);
    }
    return launcher.installed(VaultCredentialStore.PROGRAM) ? Target.BERTH : Target.FILE;
  }

  /**
   * Stores a login where {@link #plan} says. With a helper (Berth's store included), config.json
   * keeps an empty {@code auths} entry for the registry as docker's does, and a {@code credHelpers}
   * entry naming the helper, because containers-image (skopeo, podman) reads {@code credHelpers}
   * but ignores {@code credsStore}. With Berth's store, {@code credsStore: berth} is set too when no
   * {@code credsStore} is configured and no other login is kept in plain text (docker stops reading
   * {@code auths} secrets once a {@code credsStore} is set).
   *
   * @return where the secret went
   */
  public Target store(String key, Credentials credentials, String requested) throws IOException {
    return storeAs(key, credentials, plan(key, requested));
  }

  /** As {@link #store(String, Credentials, String)}, where {@link #plan} already said. */
  public Target storeAs(String key, Credentials credentials, Target target) throws IOException {
    switch (target.kind()) {
      case FILE -> new FileCredentialStore(file).store(key, credentials);
      case BERTH -> {
        requireOnPath(VaultCredentialStore.PROGRAM);
        new VaultCredentialStore(vault).store(key, credentials);
        recordHelperLogin(key, target.helper(), true);
      }
      case HELPER -> {
        helperStore(target.helper(), launcher).store(key, credentials);
        recordHelperLogin(key, target.helper(), false);
      }
    }
    return target;
  }

  /** The registries whose secrets config.json keeps in plain text ({@code auths} entries with a secret). */
  public List<String> plaintextLogins() throws IOException {
    List<String> keys = new ArrayList<>();
    if (file.read().get("auths") instanceof Map<?, ?> auths) {
      auths.forEach((k, v) -> {
        if (FileCredentialStore.holdsSecret(v)) {
          keys.add(String.valueOf(k));
        }
      });
    }
    return keys;
  }

  /**
   * Forgets a registry everywhere docker might have put it: its helper and {@code credsStore}
   * (each asked for what it holds first, so forms that were never stored draw no error), Berth's
   * store, and the file (every {@code auths} entry for the host, legacy URL forms included). A
   * {@code credHelpers} entry a login added goes too (one naming {@code berth}, or repeating
   * {@code credsStore}); an entry for another helper is the user's setting and stays.
   *
   * @return whether anything was removed
   */
  public boolean erase(String key) throws IOException {
    Map<String, Object> root = file.read();
    Set<String> helpers = new LinkedHashSet<>();
    if (helperFor(root, key) != null) {
      helpers.add(helperFor(root, key));
    }
    if (credsStore(root) != null) {
      helpers.add(credsStore(root));
    }
    List<String> candidates = RegistryHosts.keysToErase(key);
    boolean removed = false;
    boolean vaultDone = false;
    for (String helper : helpers) {
      if (helper.equals(VaultCredentialStore.HELPER_NAME)) {
        removed |= eraseFromVault(candidates, true);
        vaultDone = true;
      } else {
        removed |= eraseFromHelper(helper, key, candidates);
      }
    }
    if (!vaultDone) {
      removed |= eraseFromVault(candidates, false);
    }
    removed |= new FileCredentialStore(file).erase(key);
    forgetAddedHelperEntry(key);
    return removed;
  }

  /**
   * Forgets every login Berth can reach: each {@code auths} key, {@code credHelpers} key, what the
   * {@code credsStore} helper lists, and Berth's store.
   *
   * @return the registries forgotten, by their config keys
   */
  public List<String> eraseAll() throws IOException {
    Set<String> keys = new LinkedHashSet<>();
    Map<String, Object> root = file.read();
    if (root.get("auths") instanceof Map<?, ?> auths) {
      auths.keySet().forEach(k -> keys.add(RegistryHosts.configKey(String.valueOf(k))));
    }
    if (root.get("credHelpers") instanceof Map<?, ?> helpers) {
      helpers.keySet().forEach(k -> keys.add(RegistryHosts.configKey(String.valueOf(k))));
    }
    String store = credsStore(root);
    if (store != null && !store.equals(VaultCredentialStore.HELPER_NAME)) {
      try {
        helperStore(store, launcher).list().keySet().forEach(k -> keys.add(RegistryHosts.configKey(k)));
      } catch (IOException e) {
        warnings.accept("cannot list the logins in docker-credential-" + store + ": " + e.getMessage());
      }
    }
    if (vault.mode() != Vault.Mode.EMPTY && (usesVault(root) || vault.mode() == Vault.Mode.KEY_FILE)) {
      new VaultCredentialStore(vault).list().keySet().forEach(k -> keys.add(RegistryHosts.configKey(k)));
    }
    List<String> removed = new ArrayList<>();
    for (String key : keys) {
      if (erase(key)) {
        removed.add(key);
      }
    }
    return removed;
  }

  /**
   * Moves every login config.json keeps in plain text into Berth's encrypted store: each entry
   * becomes docker's empty marker, with {@code credHelpers[KEY] = berth}, and
   * {@code credsStore: berth} when none is set. Every other key of the file is kept. The secrets are
   * stored before the file is rewritten, so a crash in between loses nothing.
   *
   * @return the keys moved
   */
  public List<String> migrate() throws IOException {
    requireOnPath(VaultCredentialStore.PROGRAM);
    FileCredentialStore plain = new FileCredentialStore(file);
    Map<String, Credentials> moving = new LinkedHashMap<>();
    List<String> withSecrets = plaintextLogins();
    for (Map.Entry<String, Optional<Credentials>> e : plain.entries().entrySet()) {
      if (e.getValue().isPresent() && withSecrets.contains(e.getKey())) {
        moving.put(e.getKey(), e.getValue().get());
      }
    }
    VaultCredentialStore berth = new VaultCredentialStore(vault);
    for (Map.Entry<String, Credentials> e : moving.entrySet()) {
      berth.store(e.getKey(), e.getValue());
    }
    file.update(root -> {
      Map<String, Object> auths = map(root, "auths");
      Map<String, Object> helpers = map(root, "credHelpers");
      boolean changed = false;
      for (String key : moving.keySet()) {
        if (auths.get(key) instanceof Map<?, ?> old) {
          Map<String, Object> marker = withoutSecrets(old);
          auths.put(key, marker);
          changed = true;
        }
        for (String name : helperKeys(key)) {
          if (!VaultCredentialStore.HELPER_NAME.equals(helpers.get(name))) {
            helpers.put(name, VaultCredentialStore.HELPER_NAME);
            changed = true;
          }
        }
      }
      if (credsStore(root) == null && auths.values().stream().noneMatch(FileCredentialStore::holdsSecret)) {
        root.put("credsStore", VaultCredentialStore.HELPER_NAME);
        changed = true;
      }
      if (helpers.isEmpty()) {
        root.remove("credHelpers");
      }
      return changed;
    });
    return new ArrayList<>(moving.keySet());
  }

  /** One login found in one place, for {@code berth whoami}. */
  public record Login(String registry, String username, String source, Credentials credentials, String problem) {
    @Override
    public String toString() {
      return "Login[registry=" + registry + ", username=" + username + ", source=" + source + "]";
    }
  }

  /** Every login Berth can find, with where it lives; a source that fails is a login with a problem. */
  public List<Login> logins() throws IOException {
    return new LoginCatalog(this, file, launcher, env, vault).all();
  }

  // --- internals ---------------------------------------------------------------------------

  Optional<Credentials> askHelper(String name, String key) {
    try {
      if (name.equals(VaultCredentialStore.HELPER_NAME)) {
        return new VaultCredentialStore(vault).get(key);
      }
      return helperStore(name, launcher).get(key);
    } catch (IOException | IllegalArgumentException e) {
      warnings.accept("credential helper for " + key + " failed, trying the next source: " + e.getMessage());
      return Optional.empty();
    }
  }

  static String helperFor(Map<String, Object> root, String key) {
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

  static String credsStore(Map<String, Object> root) {
    return root.get("credsStore") instanceof String s && !s.isEmpty() ? s : null;
  }

  String environmentConfig() {
    return env.get(OtherAuthSources.ENV_CONFIG);
  }

  private Optional<Credentials> fromEnvironment(String key, List<String> scoped) {
    Map<String, Credentials> entries;
    try {
      entries = OtherAuthSources.environment(environmentConfig());
    } catch (IOException e) {
      warnings.accept("ignoring " + OtherAuthSources.ENV_CONFIG + ": " + e.getMessage());
      return Optional.empty();
    }
    for (String s : scoped) {
      if (entries.containsKey(s)) {
        return Optional.of(entries.get(s));
      }
    }
    if (entries.containsKey(key)) {
      return Optional.of(entries.get(key));
    }
    for (Map.Entry<String, Credentials> e : entries.entrySet()) {
      if (RegistryHosts.matches(e.getKey(), key)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  private Optional<Credentials> fromContainersFile(Path authFile, String key, List<String> scoped) {
    DockerConfigFile other = DockerConfigFile.at(authFile);
    try {
      Map<String, Object> root = other.read();
      // containers-image asks a helper with the bare host name
      String helper = helperFor(root, RegistryHosts.toHostname(key));
      if (helper != null) {
        Optional<Credentials> found = askHelper(helper, RegistryHosts.toHostname(key));
        if (found.isPresent()) {
          return found;
        }
      }
      return new FileCredentialStore(other).get(key, scoped);
    } catch (IOException e) {
      warnings.accept("ignoring " + authFile + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void recordHelperLogin(String key, String helper, boolean berth) throws IOException {
    file.update(root -> {
      Map<String, Object> auths = map(root, "auths");
      boolean changed = false;
      Map<String, Object> marker = auths.get(key) instanceof Map<?, ?> old ? withoutSecrets(old) : new LinkedHashMap<>();
      if (!marker.equals(auths.get(key))) {
        auths.put(key, marker);
        changed = true;
      }
      Map<String, Object> helpers = map(root, "credHelpers");
      for (String name : helperKeys(key)) {
        if (!helper.equals(helpers.get(name))) {
          helpers.put(name, helper);
          changed = true;
        }
      }
      if (berth && credsStore(root) == null && auths.values().stream().noneMatch(FileCredentialStore::holdsSecret)) {
        root.put("credsStore", helper);
        changed = true;
      }
      return changed;
    });
  }

  private boolean eraseFromVault(List<String> candidates, boolean referenced) throws IOException {
    Vault.Mode mode = vault.mode();
    // a store config.json does not name is only tidied when that needs no passphrase
    if (mode == Vault.Mode.EMPTY || (!referenced && mode != Vault.Mode.KEY_FILE)) {
      return false;
    }
    boolean removed = false;
    try {
      for (String candidate : candidates) {
        removed |= vault.erase(candidate);
      }
    } catch (VaultException e) {
      if (referenced) {
        throw e;
      }
      warnings.accept(e.getMessage());
    }
    return removed;
  }

  // docker erases every form (host, http://host, https://host) and reports only when all fail;
  // asking the helper what it holds first means forms never stored are not even tried.
  private boolean eraseFromHelper(String helper, String key, List<String> candidates) throws IOException {
    CredentialHelperStore store = helperStore(helper, launcher);
    List<String> present = new ArrayList<>();
    try {
      Set<String> listed = store.list().keySet();
      for (String candidate : candidates) {
        if (listed.contains(candidate)) {
          present.add(candidate);
        }
      }
      if (present.isEmpty()) {
        return false;
      }
    } catch (IOException e) {
      present.addAll(candidates); // a helper without a usable list: try each form, as docker does
    }
    boolean removed = false;
    List<String> errors = new ArrayList<>();
    for (String candidate : present) {
      try {
        removed |= store.erase(candidate);
      } catch (IOException e) {
        errors.add(candidate + ": " + e.getMessage());
      }
    }
    if (!removed && errors.size() == present.size()) {
      warnings.accept("could not erase credentials for " + key + " from docker-credential-" + helper + ": "
          + String.join("; ", errors));
    }
    return removed;
  }

  // The credHelpers entry a login added: one naming Berth's store, or one that only repeats
  // credsStore (for containers-image). An entry for another helper is the user's own setting.
  private void forgetAddedHelperEntry(String key) throws IOException {
    Map<String, Object> current = file.read();
    if (!(current.get("credHelpers") instanceof Map<?, ?> helpers)
        || helperKeys(key).stream().noneMatch(k -> isAddedEntry(current, helpers.get(k)))) {
      return;
    }
    file.update(root -> {
      Map<String, Object> all = map(root, "credHelpers");
      boolean changed = false;
      for (String name : helperKeys(key)) {
        if (isAddedEntry(root, all.get(name))) {
          all.remove(name);
          changed = true;
        }
      }
      if (all.isEmpty()) {
        root.remove("credHelpers");
      }
      return changed;
    });
  }

  // The credHelpers keys a login writes: docker's key, and for Docker Hub also "docker.io", the
  // name containers-image looks up (docker maps docker.io to its index URL and ignores it).
  private static List<String> helperKeys(String key) {
    return key.equals(RegistryHosts.HUB_KEY) ? List.of(key, "docker.io") : List.of(key);
  }

  private static boolean isAddedEntry(Map<String, Object> root, Object helper) {
    return helper != null && (helper.equals(VaultCredentialStore.HELPER_NAME) || helper.equals(credsStore(root)));
  }

  private boolean usesVault(Map<String, Object> root) {
    if (VaultCredentialStore.HELPER_NAME.equals(credsStore(root))) {
      return true;
    }
    return root.get("credHelpers") instanceof Map<?, ?> helpers && helpers.containsValue(VaultCredentialStore.HELPER_NAME);
  }

  private void requireOnPath(String program) throws IOException {
    if (!launcher.installed(program)) {
      throw new IOException(program + " is not on PATH, so docker could not read a login stored there;"
          + " run 'berth helper install' first");
    }
  }

  private static Map<String, Object> withoutSecrets(Map<?, ?> entry) {
    Map<String, Object> marker = new LinkedHashMap<>();
    entry.forEach((k, v) -> marker.put(String.valueOf(k), v));
    // what docker derives from "auth" or keeps in the helper never stays in the file
    marker.remove("auth");
    marker.remove("identitytoken");
    marker.remove("username");
    marker.remove("password");
    marker.remove("serveraddress");
    return marker;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Map<String, Object> root, String name) throws ConfigFileException {
    Object value = root.get(name);
    if (value == null) {
      Map<String, Object> fresh = new LinkedHashMap<>();
      root.put(name, fresh);
      return fresh;
    }
    if (!(value instanceof Map<?, ?>)) {
      throw new ConfigFileException(file.path(), "\"" + name + "\" is not a JSON object");
    }
    return (Map<String, Object>) value;
  }

  /**
   * A helper store; a name that is not a helper's ("../x" and the like) is never run, and said in
   * one line naming the config file rather than as a crash.
   */
  private CredentialHelperStore helperStore(String name, HelperLauncher helpers) throws IOException {
    try {
      return new CredentialHelperStore(name, helpers);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage() + " (in " + file.path() + ")");
    }
  }
}
