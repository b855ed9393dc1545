package dev.berth.conformance;

import java.net.URI;
import java.util.Map;

/**
 * Any registry, named by the environment: {@code BERTH_CONFORMANCE_URL} (e.g.
 * {@code http://127.0.0.1:5000}), {@code BERTH_CONFORMANCE_USER}, {@code BERTH_CONFORMANCE_PASSWORD},
 * {@code BERTH_CONFORMANCE_NAMESPACE} (default {@code conformance}). System properties of the same
 * names win, so {@code ./mvnw test -DBERTH_CONFORMANCE_URL=...} works too.
 */
final class EnvironmentTarget implements Target {

  static final String URL = "BERTH_CONFORMANCE_URL";
  static final String USER = "BERTH_CONFORMANCE_USER";
  static final String PASSWORD = "BERTH_CONFORMANCE_PASSWORD";
  static final String NAMESPACE = "BERTH_CONFORMANCE_NAMESPACE";

  private final URI baseUri;
  private final String user;
  private final String password;
  private final String namespace;

  private EnvironmentTarget(URI baseUri, String user, String password, String namespace) {
    this.baseUri = baseUri;
    this.user = user;
    this.password = password;
    this.namespace = namespace;
  }

  /** The target the environment names, or null when {@code BERTH_CONFORMANCE_URL} is unset. */
  static EnvironmentTarget fromEnvironment(Map<String, String> env) {
    String url = setting(env, URL);
    if (url == null) {
      return null;
    }
    URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    if (uri.getScheme() == null || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException(URL + " must be http(s)://host[:port], got: " + url);
    }
    String namespace = setting(env, NAMESPACE);
    return new EnvironmentTarget(uri, setting(env, USER), setting(env, PASSWORD),
        namespace == null ? "conformance" : namespace);
  }

  private static String setting(Map<String, String> env, String name) {
    String value = System.getProperty(name, env.get(name));
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  public String name() {
    return "env";
  }

  @Override
  public URI baseUri() {
    return baseUri;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public String password() {
    return password;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public void close() {
    // Not ours to stop.
  }
}
