package dev.berth.credentials;

import dev.berth.credentials.DockerCredentials.Login;
import dev.berth.credentials.vault.Vault;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every login Berth can find, each with the place its secret lives: {@code DOCKER_AUTH_CONFIG},
 * config.json (plain text, or the helper its marker and {@code credHelpers}/{@code credsStore}
 * name), Berth's encrypted store, and containers-image's auth files. A registry found in two places
 * is listed twice: which one wins is {@link DockerCredentials#lookup}'s business.
 */
final class LoginCatalog {
  static final String BERTH_SOURCE = "berth (encrypted)";
  static final String PLAINTEXT = " (plaintext)";

  private final DockerCredentials credentials;
  private final DockerConfigFile file;
  private final HelperLauncher launcher;
  private final Map<String, String> env;
  private final Vault vault;
  private final List<Login> logins = new ArrayList<>();
  private final Set<String> seen = new LinkedHashSet<>();

  LoginCatalog(DockerCredentials credentials, DockerConfigFile file, HelperLauncher launcher, Map<String, String> env,
      Vault vault) {
    this.credentials = credentials;
    this.file = file;
    this.launcher = launcher;
    this.env = env;
    this.vault = vault;
  }

  List<Login> all() throws IOException {
    fromEnvironment();
    fromConfigFile();
    fromVault();
    for (Path authFile : OtherAuthSources.containersAuthFiles(env)) {
      fromPlainFile(DockerConfigFile.at(authFile), authFile.toString());
    }
    return logins;
  }

  private void fromEnvironment() {
    try {
      OtherAuthSources.environment(credentials.environmentConfig())
          .forEach((key, c) -> add(key, OtherAuthSources.ENV_CONFIG, Optional.of(c), null));
    } catch (IOException e) {
      add("(unknown)", OtherAuthSources.ENV_CONFIG, Optional.empty(), e.getMessage());
    }
  }

  private void fromConfigFile() throws IOException {
    Map<String, Object> root = file.read();
    fromPlainFile(file, "config.json");
    Set<String> markers = new LinkedHashSet<>();
    if (root.get("auths") instanceof Map<?, ?> auths) {
      auths.forEach((k, v) -> {
        if (!FileCredentialStore.holdsSecret(v)) {
          markers.add(String.valueOf(k));
        }
      });
    }
    if (root.get("credHelpers") instanceof Map<?, ?> helpers) {
      helpers.keySet().forEach(k -> markers.add(String.valueOf(k)));
    }
    String store = DockerCredentials.credsStore(root);
    for (String key : markers) {
      String helper = DockerCredentials.helperFor(root, key);
      if (helper == null) {
        helper = store;
      }
      if (helper != null) {
        fromHelper(helper, key);
      }
    }
    if (store != null && !store.equals(VaultCredentialStore.HELPER_NAME)) {
      try {
        for (String key : new CredentialHelperStore(store, launcher).list().keySet()) {
          fromHelper(store, key);
        }
      } catch (IOException e) {
        add("(all)", helperSource(store), Optional.empty(), e.getMessage());
      }
    }
  }

  private void fromVault() throws IOException {
    if (vault.mode() == Vault.Mode.EMPTY) {
      return;
    }
    try {
      new VaultCredentialStore(vault).list().keySet().forEach(key -> {
        if (!seen.contains(id(key, BERTH_SOURCE))) {
          fromHelper(VaultCredentialStore.HELPER_NAME, key);
        }
      });
    } catch (IOException e) {
      add("(all)", BERTH_SOURCE, Optional.empty(), e.getMessage());
    }
  }

  private void fromHelper(String helper, String key) {
    String source = helperSource(helper);
    if (seen.contains(id(key, source))) {
      return;
    }
    try {
      Optional<Credentials> found = helper.equals(VaultCredentialStore.HELPER_NAME)
          ? new VaultCredentialStore(vault).get(key)
          : new CredentialHelperStore(helper, launcher).get(key);
      if (found.isPresent()) {
        add(key, source, found, null);
      }
    } catch (IOException | IllegalArgumentException e) {
      add(key, source, Optional.empty(), e.getMessage());
    }
  }

  private void fromPlainFile(DockerConfigFile plain, String name) {
    try {
      for (Map.Entry<String, Optional<Credentials>> e : new FileCredentialStore(plain).entries().entrySet()) {
        if (e.getValue().isPresent()) {
          add(e.getKey(), name + PLAINTEXT, e.getValue(), null);
        }
      }
    } catch (IOException e) {
      add("(all)", name, Optional.empty(), e.getMessage());
    }
  }

  static String helperSource(String helper) {
    return helper.equals(VaultCredentialStore.HELPER_NAME) ? BERTH_SOURCE : "docker-credential-" + helper;
  }

  private void add(String key, String source, Optional<Credentials> found, String problem) {
    if (!seen.add(id(key, source))) {
      return;
    }
    String user = found.map(Credentials::username).orElse("");
    logins.add(new Login(key, user, source, found.orElse(null), problem));
  }

  private static String id(String key, String source) {
    return RegistryHosts.configKey(key) + "\u0000" + source;
  }
}
