package dev.berth.credentials.vault;

/**
 * Which stored server URLs answer a lookup. Callers pass the forms docker, containers-image and
 * Jib use ({@code host:5000}, {@code https://index.docker.io/v1/}, {@code http://host:5000/},
 * {@code [::1]:5000}); an exact match wins, otherwise entries whose host (and port) is the same, as
 * docker's {@code ConvertToHostname} sees it, with Docker Hub's names all meaning one registry.
 *
 * <p>Plain string work, no regular expressions: this runs in the helper's start-up path. It lives
 * in the helper's package because the helper's jar holds only that package; the CLI's
 * {@code RegistryHosts} uses its {@link #hostname} too.
 */
public final class ServerUrls {
  static final String HUB_KEY = "https://index.docker.io/v1/";

  private ServerUrls() {}

  /** The host form of a server URL, Docker Hub's names folded into {@link #HUB_KEY}. */
  static String normalize(String serverUrl) {
    String url = serverUrl.strip();
    if (url.equals(HUB_KEY)) {
      return HUB_KEY;
    }
    String host = hostname(url);
    if (host.equals("docker.io") || host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      return HUB_KEY;
    }
    return host;
  }

  static boolean sameRegistry(String a, String b) {
    return a.equals(b) || normalize(a).equals(normalize(b));
  }

  /**
   * docker's {@code ConvertToHostname}: with a scheme, the URL's host[:port] (user info and path
   * dropped, an IPv6 literal's brackets kept only when a port follows, as Go's url.Hostname and
   * Port); without one, everything before the first '/'. Case is kept, as docker keeps it.
   */
  public static String hostname(String address) {
    int scheme = address.indexOf("://");
    if (scheme >= 0) {
      String rest = address.substring(scheme + 3);
      int end = rest.length();
      for (int i = 0; i < rest.length(); i++) {
        char c = rest.charAt(i);
        if (c == '/' || c == '?' || c == '#') {
          end = i;
          break;
        }
      }
      String authority = rest.substring(0, end);
      authority = authority.substring(authority.lastIndexOf('@') + 1);
      String host = hostAndPort(authority);
      if (!host.isEmpty()) {
        return host;
      }
    }
    int slash = address.indexOf('/');
    return slash < 0 ? address : address.substring(0, slash);
  }

  private static String hostAndPort(String authority) {
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return "";
      }
      String ip = authority.substring(1, close);
      String tail = authority.substring(close + 1);
      return tail.length() > 1 && tail.charAt(0) == ':' ? "[" + ip + "]" + tail : ip;
    }
    int colon = authority.indexOf(':');
    if (colon >= 0 && colon == authority.length() - 1) {
      return authority.substring(0, colon);
    }
    return authority;
  }
}
