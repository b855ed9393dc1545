package dev.berth.client;

import java.net.URI;
import java.util.Locale;

/**
 * Where a registry host's API lives. Plain HTTP only for loopback hosts (as docker treats
 * localhost); every other host gets HTTPS, so credentials never cross a network in clear text.
 */
public record RegistryEndpoint(String host, URI baseUri) {

  public static RegistryEndpoint forHost(String host) {
    String scheme = isLoopback(host) ? "http" : "https";
    return new RegistryEndpoint(host, URI.create(scheme + "://" + host));
  }

  public boolean plainHttp() {
    return baseUri.getScheme().equals("http");
  }

  /** {@code localhost}, {@code 127.0.0.0/8} and {@code [::1]}, with or without a port. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1");
    }
    int colon = h.indexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    return h.equals("localhost") || h.matches("127(?:\\.[0-9]{1,3}){3}");
  }

  /** {@code <base>/v2/<path>} for a path that starts after {@code /v2/}. */
  public URI v2(String path) {
    return baseUri.resolve("/v2/" + path);
  }
}
