package dev.berth.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference as docker parses and normalises it: {@code [domain/]path[:tag][@digest]}.
 * {@code ubuntu} is {@code docker.io/library/ubuntu:latest}; {@code localhost:5000/a/b} keeps its
 * domain because the first component has a port (a '.' or ':' or is {@code localhost}).
 */
public record Reference(String domain, String path, String tag, Digest digest) {

  public static final String DOCKER_HUB = "docker.io";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");

  public Reference {
    if (!DOMAIN.matcher(domain).matches()) {
      throw new IllegalArgumentException("invalid reference format: invalid registry host: " + domain);
    }
    Names.requireRepository(path);
    if (tag != null) {
      Names.requireTag(tag);
    }
  }

  /**
   * Parses and normalises like {@code docker pull}: adds {@code docker.io}, {@code library/} and,
   * when neither tag nor digest is given, {@code latest}. Errors name the bad value.
   */
  public static Reference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("invalid reference format: empty image name");
    }
    String name = text;
    String digestText = null;
    int at = name.indexOf('@');
    if (at >= 0) {
      digestText = name.substring(at + 1);
      name = name.substring(0, at);
    }
    String tag = null;
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      tag = name.substring(colon + 1);
      name = name.substring(0, colon);
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("invalid reference format: " + text);
    }
    String domain;
    String remainder;
    int slash = name.indexOf('/');
    String first = slash < 0 ? name : name.substring(0, slash);
    if (slash < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost")
        && first.toLowerCase(Locale.ROOT).equals(first))) {
      domain = DOCKER_HUB;
      remainder = name;
    } else {
      domain = first;
      remainder = name.substring(slash + 1);
    }
    if (domain.equals("index.docker.io")) {
      domain = DOCKER_HUB;
    }
    if (domain.equals(DOCKER_HUB) && remainder.indexOf('/') < 0) {
      remainder = "library/" + remainder;
    }
    if (!remainder.toLowerCase(Locale.ROOT).equals(remainder)) {
      throw new IllegalArgumentException(
          "invalid reference format: repository name (" + remainder + ") must be lowercase: " + text);
    }
    if (!DOMAIN.matcher(domain).matches() || !Names.isRepository(remainder)) {
      throw new IllegalArgumentException("invalid reference format: " + text);
    }
    if (tag != null && !Names.isTag(tag)) {
      throw new IllegalArgumentException("invalid reference format: invalid tag \"" + tag + "\" in " + text);
    }
    Digest digest = null;
    if (digestText != null) {
      try {
        digest = Digest.parse(digestText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid reference format: " + e.getMessage() + " in " + text);
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new Reference(domain, remainder, tag, digest);
  }

  public Reference withTag(String newTag) {
    return new Reference(domain, path, newTag, null);
  }

  /** {@code domain/path}. */
  public String repository() {
    return domain + "/" + path;
  }

  /** The full, normalised form: {@code docker.io/library/ubuntu:latest}. */
  public String canonical() {
    StringBuilder b = new StringBuilder(repository());
    if (tag != null) {
      b.append(':').append(tag);
    }
    if (digest != null) {
      b.append('@').append(digest);
    }
    return b.toString();
  }

  /** The name docker shows: {@code ubuntu:latest}, {@code myhost:5000/a/b:1}. */
  public String familiar() {
    String name = familiarRepository();
    StringBuilder b = new StringBuilder(name);
    if (tag != null) {
      b.append(':').append(tag);
    }
    if (digest != null) {
      b.append('@').append(digest);
    }
    return b.toString();
  }

  public String familiarRepository() {
    if (domain.equals(DOCKER_HUB)) {
      return path.startsWith("library/") && path.indexOf('/', 8) < 0 ? path.substring(8) : path;
    }
    return repository();
  }

  /** The host to talk to: Docker Hub's API lives at registry-1.docker.io. */
  public String registryHost() {
    return domain.equals(DOCKER_HUB) ? "registry-1.docker.io" : domain;
  }

  @Override
  public String toString() {
    return familiar();
  }
}
