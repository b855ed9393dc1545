package dev.berth.credentials.vault;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.spec.KeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The store's cryptography, all from the JDK: AES-256-GCM (a fresh 96-bit nonce per write, a
 * 128-bit tag that authenticates the header too) and PBKDF2-HMAC-SHA256 for passphrases.
 */
final class Crypto {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  static final int SALT_BYTES = 16;
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
  static final int PBKDF2_ITERATIONS = 600_000;

  private static final String AES_GCM = "AES/GCM/NoPadding";

  // Decryption needs no randomness, but Cipher.init would build the JDK's default SecureRandom
  // (a provider lookup, a few ms of a helper's start-up) if given none: hand it one that must not
  // be used.
  private static final SecureRandom NOT_USED = new SecureRandom(new SecureRandomSpi() {
    @Override
    protected void engineSetSeed(byte[] seed) {}

    @Override
    protected void engineNextBytes(byte[] bytes) {
      throw new IllegalStateException("decryption asked for random bytes");
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      throw new IllegalStateException("decryption asked for random bytes");
    }
  }, null) {};

  private static SecureRandom random;
  private static final java.util.concurrent.atomic.AtomicBoolean prepared = new java.util.concurrent.atomic.AtomicBoolean();

  private Crypto() {}

  /** {@code nonce || ciphertext || tag} of {@code plaintext}, authenticating {@code aad} too. */
  static byte[] seal(byte[] key, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
    byte[] nonce = random(NONCE_BYTES);
    Cipher cipher = Cipher.getInstance(AES_GCM);
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
    cipher.updateAAD(aad);
    byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
    System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
    cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
    return sealed;
  }

  /**
   * The plaintext of {@code sealed[offset..]}.
   *
   * @throws javax.crypto.AEADBadTagException for a wrong key or altered bytes
   */
  static byte[] open(byte[] key, byte[] aad, byte[] sealed, int offset) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(AES_GCM);
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(TAG_BYTES * 8, sealed, offset, NONCE_BYTES), NOT_USED);
    cipher.updateAAD(aad);
    return cipher.doFinal(sealed, offset + NONCE_BYTES, sealed.length - offset - NONCE_BYTES);
  }

  /** A key of {@link #KEY_BYTES} from a passphrase (PBKDF2-HMAC-SHA256). */
  static byte[] deriveKey(char[] passphrase, byte[] salt, int iterations) throws GeneralSecurityException {
    KeySpec spec = new PBEKeySpec(passphrase, salt, iterations, KEY_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } finally {
      ((PBEKeySpec) spec).clearPassword();
    }
  }

  /**
   * Readies the JDK's security providers, AES-GCM and the random source: about 30 ms of a fresh JVM
   * (the security properties parsed, providers registered, the crypto policy read), which a login
   * would otherwise spend after its round trips to the registry, not during them. Meant for a
   * background thread; only the first call does the work. Failures are left to the real use to
   * report.
   */
  static void prepare() {
    if (prepared.getAndSet(true)) {
      return;
    }
    try {
      Cipher.getInstance(AES_GCM).init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[KEY_BYTES], "AES"),
          new GCMParameterSpec(TAG_BYTES * 8, new byte[NONCE_BYTES]));
      random(1);
    } catch (GeneralSecurityException | RuntimeException e) {
      // said when the store is used
    }
  }

  static synchronized byte[] random(int length) {
    if (random == null) {
      random = new SecureRandom();
    }
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  static void wipe(byte[] bytes) {
    if (bytes != null) {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
