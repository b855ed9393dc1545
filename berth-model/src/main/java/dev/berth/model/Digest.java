package dev.berth.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:6c3c62...}. Only validated values exist: the grammar is
 * the OCI image-spec's, and the encoded part must fit the algorithm (64 hex chars for sha256).
 */
public record Digest(String algorithm, String encoded) implements Comparable<Digest> {

  private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

  public Digest {
    if (algorithm == null || !ALGORITHM.matcher(algorithm).matches()) {
      throw new IllegalArgumentException("invalid digest algorithm: " + algorithm);
    }
    Pattern encoding = switch (algorithm) {
      case "sha256" -> SHA256;
      case "sha512" -> SHA512;
      default -> throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
    };
    if (encoded == null || !encoding.matcher(encoded).matches()) {
      throw new IllegalArgumentException("invalid " + algorithm + " digest: " + encoded);
    }
  }

  /** Parses {@code algorithm:encoded}; the message names the bad value. */
  public static Digest parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("invalid digest: null");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("invalid digest: " + text);
    }
    try {
      return new Digest(text.substring(0, colon), text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid digest: " + text, e);
    }
  }

  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static Digest sha256(byte[] content) {
    return fromHash("sha256", newSha256().digest(content));
  }

  public static Digest fromHash(String algorithm, byte[] hash) {
    return new Digest(algorithm, HexFormat.of().formatHex(hash));
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A fresh hasher for this digest's algorithm. */
  public MessageDigest newHasher() {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }

  /** The first 12 hex characters, as docker prints layer ids. */
  public String shortId() {
    return encoded.substring(0, 12);
  }

  @Override
  public String toString() {
    return algorithm + ":" + encoded;
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
