package dev.berth.credentials;

import java.util.List;

/**
 * How docker's CLI names a registry in {@code config.json}, in one place so that login, logout and
 * credential lookup can never disagree.
 *
 * <p>Docker Hub is keyed by its historic index URL {@value #HUB_KEY}; every other registry by its
 * bare {@code host[:port]}. Older docker versions wrote URL forms ({@code https://host/v1/},
 * {@code http://host}), so lookups and logouts also match keys whose host part is the same.
 */
public final class RegistryHosts {
  /** The key docker uses for Docker Hub credentials. */
  public static final String HUB_KEY = "https://index.docker.io/v1/";

  /** Names that all mean Docker Hub. */
  private static final List<String> HUB_ALIASES =
      List.of("docker.io", "index.docker.io", "registry-1.docker.io");

  // docker's reference grammar for a registry domain: DNS-ish components or a bracketed IPv6, and a port
  private static final String COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
      "(?:" + COMPONENT + "(?:\\." + COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?");

  private RegistryHosts() {}

  /** Whether a normalised key names a registry one can connect to ({@code host[:port]} or the Hub key). */
  public static boolean isValidKey(String key) {
    return key.equals(HUB_KEY) || HOST.matcher(key).matches();
  }

  /**
   * The {@code auths} key for a server as the user typed it to {@code login} or {@code logout}:
   * none (null or empty) or any Hub alias means {@value #HUB_KEY}; otherwise scheme and path are
   * dropped ({@code https://host:5000/v2/} → {@code host:5000}).
   */
  public static String configKey(String server) {
    if (server == null || server.isEmpty() || server.equals(HUB_KEY)) {
      return HUB_KEY;
    }
    String host = toHostname(server);
    return isHub(host) ? HUB_KEY : host;
  }

  /** The {@code auths} key to look up for an image's registry host ({@code docker.io} → Hub). */
  public static String keyForRegistryHost(String registryHost) {
    return configKey(registryHost);
  }

  /** Whether a bare host name is one of Docker Hub's names. */
  public static boolean isHub(String host) {
    return HUB_ALIASES.contains(host);
  }

  /**
   * The host name an address names, as docker's {@code ConvertToHostname}: with a scheme
   * ({@code ://}) the URL's host and port, user info and path dropped; without one, everything
   * before the first {@code /}. Case is kept, as docker keeps it.
   */
  public static String toHostname(String address) {
    return dev.berth.credentials.vault.ServerUrls.hostname(address);
  }

  /**
   * Keys that may hold a server's credentials, in the order docker's logout erases them: the
   * normalised key, then the legacy URL forms.
   */
  public static List<String> keysToErase(String server) {
    String key = configKey(server);
    if (key.equals(HUB_KEY)) {
      return List.of(HUB_KEY);
    }
    return List.of(key, "http://" + key, "https://" + key);
  }

  /** Whether a stored {@code auths} key names the given normalised key. */
  public static boolean matches(String storedKey, String key) {
    if (storedKey.equals(key)) {
      return true;
    }
    return configKey(storedKey).equals(key);
  }
}
