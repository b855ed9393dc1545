package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads an {@code Authorization: Basic base64(user:secret)} header. */
public final class BasicCredentials {
  /** No real credentials are longer; a bigger header is refused before it is decoded. */
  static final int MAX_ENCODED = 4096;

  private BasicCredentials() {}

  /** {user, secret}, or null when the header is absent, not Basic, or malformed. */
  public static String[] parse(String header) {
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String encoded = header.substring(6).trim();
    if (encoded.length() > MAX_ENCODED) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }
}
