package dev.berth.server.config;

/** {@code HOST:PORT} or {@code [IPv6]:PORT}, as {@code --listen} takes it. */
public record HostPort(String host, int port) {
  /** @return null when {@code text} is not a HOST:PORT */
  public static HostPort parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int end = text.indexOf("]:");
      if (end < 0) {
        return null;
      }
      host = text.substring(1, end);
      port = text.substring(end + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        return null;
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (host.isBlank() || !host.matches("[A-Za-z0-9.:_-]+") || !port.matches("[0-9]{1,5}")) {
      return null;
    }
    int p = Integer.parseInt(port);
    return p > 65535 ? null : new HostPort(host, p);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
