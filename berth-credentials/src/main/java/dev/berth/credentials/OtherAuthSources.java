package dev.berth.credentials;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Credentials outside docker's {@code config.json} that the tools around it read too:
 *
 * <ul>
 *   <li>{@code DOCKER_AUTH_CONFIG}: docker 28's environment variable, a JSON document with
 *       {@code auths} entries of {@code auth} (base64 {@code user:password}) only;
 *   <li>containers-image's auth files (skopeo, podman, buildah): {@code $REGISTRY_AUTH_FILE}, else
 *       {@code $XDG_RUNTIME_DIR/containers/auth.json}; then {@code $XDG_CONFIG_HOME/containers/auth.json}
 *       ({@code ~/.config/containers/auth.json}). Same format as config.json, where keys may name a
 *       repository ({@code host/namespace/repo}).
 * </ul>
 */
final class OtherAuthSources {
  static final String ENV_CONFIG = "DOCKER_AUTH_CONFIG";

  private OtherAuthSources() {}

  /**
   * The entries of {@code DOCKER_AUTH_CONFIG}: key → credentials.
   *
   * @throws IOException naming the problem (never the content) when the value is unusable
   */
  static Map<String, Credentials> environment(String json) throws IOException {
    Map<String, Credentials> entries = new LinkedHashMap<>();
    if (json == null || json.isBlank()) {
      return entries;
    }
    Map<String, Object> root;
    try {
      root = JSON.std.mapFrom(json);
    } catch (IOException e) {
      throw new IOException(ENV_CONFIG + " is not a JSON object");
    }
    for (String key : root.keySet()) {
      if (!key.equals("auths")) {
        throw new IOException(ENV_CONFIG + " has an unknown field \"" + key + "\" (only \"auths\" is read)");
      }
    }
    if (!(root.get("auths") instanceof Map<?, ?> auths)) {
      return entries;
    }
    for (Map.Entry<?, ?> e : auths.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof Map<?, ?> fields) || !(fields.get("auth") instanceof String auth) || auth.isEmpty()) {
        throw new IOException(ENV_CONFIG + " is missing key `auth` for " + key);
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException ex) {
        throw new IOException(ENV_CONFIG + " has an \"auth\" value for " + key + " that is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new IOException(ENV_CONFIG + " has an \"auth\" value for " + key + " that is not user:password");
      }
      entries.put(key, new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1).replaceAll("^\u0000+|\u0000+$", "")));
    }
    return entries;
  }

  /** containers-image's auth files for an environment, in the order it reads them (existing ones only). */
  static List<Path> containersAuthFiles(Map<String, String> env) {
    List<Path> files = new ArrayList<>();
    String explicit = value(env, "REGISTRY_AUTH_FILE");
    if (explicit != null) {
      files.add(Path.of(explicit));
    } else if (value(env, "XDG_RUNTIME_DIR") != null) {
      files.add(Path.of(value(env, "XDG_RUNTIME_DIR"), "containers", "auth.json"));
    }
    String configHome = value(env, "XDG_CONFIG_HOME");
    if (configHome == null && value(env, "HOME") != null) {
      configHome = Path.of(value(env, "HOME"), ".config").toString();
    }
    if (configHome != null) {
      files.add(Path.of(configHome, "containers", "auth.json"));
    }
    files.removeIf(f -> !Files.isRegularFile(f));
    return files;
  }

  /**
   * The keys to try for an image's repository, most specific first: {@code host/a/b/c},
   * {@code host/a/b}, {@code host/a} (the registry itself is looked up as before).
   */
  static List<String> scopedKeys(String registryHost, String repository) {
    List<String> keys = new ArrayList<>();
    if (repository == null || repository.isEmpty()) {
      return keys;
    }
    String key = registryHost + "/" + repository;
    while (key.length() > registryHost.length()) {
      keys.add(key);
      key = key.substring(0, key.lastIndexOf('/'));
    }
    return keys;
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
