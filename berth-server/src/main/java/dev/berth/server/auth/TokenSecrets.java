package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The long-lived secrets the registry hands out: refresh tokens ({@code berth_rt_…}, what
 * {@code docker login} keeps as its identity token) and personal access tokens
 * ({@code berth_pat_…}, used as a password). 256 random bits each, so the store keeps a plain
 * SHA-256 of them (nothing slow is needed to resist guessing), and the prefix tells them apart
 * from a password at a glance, here and in a leaked file.
 */
public final class TokenSecrets {
  public static final String REFRESH_PREFIX = "berth_rt_";
  public static final String PERSONAL_PREFIX = "berth_pat_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  public static String newSecret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A short public id for listing and revoking (not a secret). */
  public static String newId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public static byte[] hash(String secret) {
    return dev.berth.model.Digest.newSha256().digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  public static boolean isPersonal(String secret) {
    return secret.startsWith(PERSONAL_PREFIX);
  }

  public static boolean isRefresh(String secret) {
    return secret.startsWith(REFRESH_PREFIX);
  }

  /** Constant-time comparison of two hashes. */
  public static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
