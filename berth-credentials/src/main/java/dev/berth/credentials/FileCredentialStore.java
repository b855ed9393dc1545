package dev.berth.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Credentials as docker keeps them in plain text: {@code auths → KEY → auth = base64(user:password)}.
 * An identity token (OAuth refresh token) is kept in {@code identitytoken}, and as
 * {@code auth = base64(<token>:TOKEN)} for tools that read only {@code auth} (Jib); it surfaces as
 * {@link Credentials} with user name {@value #TOKEN_USER}, as docker's credential helpers report it.
 *
 * <p>Keys are normalised by the caller ({@link RegistryHosts#configKey}); lookups and erasure also
 * match entries that older docker versions stored under a URL form of the same host. Fields of an
 * entry that Berth does not know ({@code email}, …) are kept on rewrite.
 */
public final class FileCredentialStore implements CredentialStore {
  public static final String TOKEN_USER = "<token>";
  private static final String AUTHS = "auths";

  private final DockerConfigFile file;

  public FileCredentialStore(DockerConfigFile file) {
    this.file = Objects.requireNonNull(file);
  }

  public DockerConfigFile file() {
    return file;
  }

  @Override
  public Optional<Credentials> get(String serverAddress) throws IOException {
    return get(serverAddress, List.of());
  }

  /**
   * As {@link #get(String)}, trying repository-scoped keys first ({@code host/namespace/repo},
   * then {@code host/namespace}), exact matches only, as containers-image does.
   */
  public Optional<Credentials> get(String serverAddress, List<String> scopedKeys) throws IOException {
    Map<String, Object> auths = auths(file.read(), false);
    if (auths == null) {
      return Optional.empty();
    }
    for (String scoped : scopedKeys) {
      Object entry = auths.get(scoped);
      if (entry != null) {
        Optional<Credentials> found = decode(scoped, entry);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    Object entry = auths.get(serverAddress);
    String foundKey = serverAddress;
    if (entry == null) {
      for (Map.Entry<String, Object> e : auths.entrySet()) {
        if (legacyFormOf(e.getKey(), serverAddress)) {
          entry = e.getValue();
          foundKey = e.getKey();
          break;
        }
      }
    }
    return entry == null ? Optional.empty() : decode(foundKey, entry);
  }

  /** Every {@code auths} key with the credentials it holds in plain text (empty for a helper's marker). */
  public Map<String, Optional<Credentials>> entries() throws IOException {
    Map<String, Optional<Credentials>> all = new LinkedHashMap<>();
    Map<String, Object> auths = auths(file.read(), false);
    if (auths != null) {
      for (Map.Entry<String, Object> e : auths.entrySet()) {
        all.put(e.getKey(), decode(e.getKey(), e.getValue()));
      }
    }
    return all;
  }

  @Override
  public void store(String serverAddress, Credentials credentials) throws IOException {
    Objects.requireNonNull(credentials, "credentials");
    file.update(root -> {
      Map<String, Object> auths = auths(root, true);
      Map<String, Object> entry = new LinkedHashMap<>();
      if (auths.get(serverAddress) instanceof Map<?, ?> old) {
        old.forEach((k, v) -> entry.put(String.valueOf(k), v));
      }
      // docker derives these from "auth" and never writes them back.
      entry.remove("username");
      entry.remove("password");
      entry.remove("serveraddress");
      if (credentials.username().equals(TOKEN_USER)) {
        // docker reads identitytoken; Jib reads only "auth", and takes the user name <token> as
        // "the password is a refresh token" (as docker's credential helpers report one). Both
        // fields, so that either finds the login.
        entry.put("auth", encode(credentials));
        entry.put("identitytoken", credentials.secret());
      } else {
        entry.put("auth", encode(credentials));
        entry.remove("identitytoken");
      }
      if (entry.equals(auths.get(serverAddress))) {
        return false;
      }
      auths.put(serverAddress, entry);
      return true;
    });
  }

  /** Removes the entry for this key and any legacy URL-form entry for the same host. */
  @Override
  public boolean erase(String serverAddress) throws IOException {
    Map<String, Object> current = auths(file.read(), false);
    if (current == null || current.keySet().stream().noneMatch(k -> legacyFormOf(k, serverAddress))) {
      return false; // nothing to forget: leave the directory as it is (no lock file, no rewrite)
    }
    return file.update(root -> {
      Map<String, Object> auths = auths(root, false);
      if (auths == null) {
        return false;
      }
      boolean removed = false;
      for (Iterator<String> keys = auths.keySet().iterator(); keys.hasNext(); ) {
        if (legacyFormOf(keys.next(), serverAddress)) {
          keys.remove();
          removed = true;
        }
      }
      return removed;
    });
  }

  private Map<String, Object> auths(Map<String, Object> root, boolean create) throws ConfigFileException {
    Object auths = root.get(AUTHS);
    if (auths == null) {
      if (!create) {
        return null;
      }
      Map<String, Object> fresh = new LinkedHashMap<>();
      root.put(AUTHS, fresh);
      return fresh;
    }
    if (!(auths instanceof Map<?, ?>)) {
      throw new ConfigFileException(file.path(), "\"auths\" is not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) auths;
    return map;
  }

  // The key itself, or a URL form older docker versions wrote (https://host/v1/). A key with a
  // path but no scheme names a repository (containers-image's scoped keys): only an exact lookup
  // finds it.
  private static boolean legacyFormOf(String storedKey, String key) {
    if (storedKey.equals(key)) {
      return true;
    }
    if (!storedKey.contains("://") && storedKey.contains("/")) {
      return false;
    }
    return RegistryHosts.matches(storedKey, key);
  }

  /** Whether an {@code auths} entry holds a secret in plain text (not just a helper's marker). */
  static boolean holdsSecret(Object entry) {
    if (!(entry instanceof Map<?, ?> fields)) {
      return false;
    }
    return fields.get("auth") instanceof String a && !a.isEmpty()
        || fields.get("identitytoken") instanceof String t && !t.isEmpty()
        || fields.get("password") instanceof String p && !p.isEmpty();
  }

  private Optional<Credentials> decode(String key, Object entry) throws ConfigFileException {
    if (!(entry instanceof Map<?, ?> fields)) {
      throw new ConfigFileException(file.path(), "auths entry \"" + key + "\" is not a JSON object");
    }
    if (fields.get("identitytoken") instanceof String token && !token.isEmpty()) {
      return Optional.of(new Credentials(TOKEN_USER, token));
    }
    if (fields.get("auth") instanceof String auth && !auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ConfigFileException(file.path(), "auths entry \"" + key + "\" has an \"auth\" value that is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new ConfigFileException(file.path(), "auths entry \"" + key + "\" has an \"auth\" value that is not user:password");
      }
      // docker trims NULs some old tools padded the password with
      String password = decoded.substring(colon + 1).replaceAll("^\u0000+|\u0000+$", "");
      return Optional.of(new Credentials(decoded.substring(0, colon), password));
    }
    if (fields.get("username") instanceof String user && !user.isEmpty()
        && fields.get("password") instanceof String password) {
      return Optional.of(new Credentials(user, password));
    }
    return Optional.empty();
  }

  static String encode(Credentials credentials) {
    String pair = credentials.username() + ":" + credentials.secret();
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
