package dev.berth.credentials.vault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * The bytes of the store file. One file holds every login, sealed as a whole:
 *
 * <pre>
 * "berth-credentials 1\n"          magic and format version (so `head -1` says what the file is)
 * mode                             1 byte: 'K' the key is in the key file, 'P' it is wrapped below
 *   ('P' only) salt                16 bytes, PBKDF2-HMAC-SHA256 salt
 *   ('P' only) iterations          4 bytes, big-endian
 *   ('P' only) wrapped data key    60 bytes: nonce, AES-256-GCM(passphrase key, data key), tag
 * nonce                            12 bytes
 * ciphertext, tag                  AES-256-GCM(data key, entries), the header above as associated data
 *
 * entries: count (4 bytes), then per login ServerURL, Username, Secret, each a 4-byte length and
 * UTF-8 bytes
 * </pre>
 *
 * Everything before the payload nonce is authenticated, so a mode or salt changed on disk fails
 * decryption instead of being trusted.
 */
final class VaultFile {
  static final byte[] MAGIC = "berth-credentials 1\n".getBytes(StandardCharsets.US_ASCII);
  static final byte KEY_FILE = 'K';
  static final byte PASSPHRASE = 'P';

  private static final int WRAPPED_KEY_BYTES = Crypto.NONCE_BYTES + Crypto.KEY_BYTES + Crypto.TAG_BYTES;
  private static final int MAX_FIELD = 1 << 20;

  private VaultFile() {}

  /** What precedes the payload: the mode and, for a passphrase, how to derive and unwrap the key. */
  static final class Header {
    final byte mode;
    final byte[] salt;
    final int iterations;
    final byte[] wrappedKey;

    private Header(byte mode, byte[] salt, int iterations, byte[] wrappedKey) {
      this.mode = mode;
      this.salt = salt;
      this.iterations = iterations;
      this.wrappedKey = wrappedKey;
    }

    static Header keyFile() {
      return new Header(KEY_FILE, null, 0, null);
    }

    /** A passphrase header whose wrapped data key is {@code dataKey} sealed with {@code passphraseKey}. */
    static Header passphrase(byte[] salt, int iterations, byte[] passphraseKey, byte[] dataKey)
        throws GeneralSecurityException {
      Header unsealed = new Header(PASSPHRASE, salt, iterations, null);
      return new Header(PASSPHRASE, salt, iterations, Crypto.seal(passphraseKey, unsealed.keyAad(), dataKey));
    }

    boolean passphrase() {
      return mode == PASSPHRASE;
    }

    /** The data key, unwrapped with the key derived from the passphrase. */
    byte[] unwrap(byte[] passphraseKey) throws GeneralSecurityException {
      return Crypto.open(passphraseKey, keyAad(), wrappedKey, 0);
    }

    // what the wrapped key is bound to: everything before it
    private byte[] keyAad() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(MAGIC);
      out.write(mode);
      if (mode == PASSPHRASE) {
        out.writeBytes(salt);
        writeInt(out, iterations);
      }
      return out.toByteArray();
    }

    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(keyAad());
      if (mode == PASSPHRASE) {
        out.writeBytes(wrappedKey);
      }
      return out.toByteArray();
    }
  }

  /** Whether {@code content} is an empty file: a store that holds nothing yet. */
  static boolean isEmpty(byte[] content) {
    return content.length == 0;
  }

  static Header header(Path file, byte[] content) throws VaultException {
    if (content.length < MAGIC.length + 1 || !startsWithMagic(content)) {
      if (content.length < MAGIC.length && startsWithPartOfMagic(content)) {
        throw corrupt(file, "the file is truncated");
      }
      throw corrupt(file, "not a Berth credential store (unknown header)");
    }
    byte mode = content[MAGIC.length];
    int at = MAGIC.length + 1;
    if (mode == KEY_FILE) {
      return Header.keyFile();
    }
    if (mode != PASSPHRASE) {
      throw corrupt(file, "unknown key mode '" + (char) (mode & 0xff) + "'");
    }
    if (content.length < at + Crypto.SALT_BYTES + 4 + WRAPPED_KEY_BYTES) {
      throw corrupt(file, "the file is truncated");
    }
    byte[] salt = slice(content, at, Crypto.SALT_BYTES);
    at += Crypto.SALT_BYTES;
    int iterations = readInt(content, at);
    at += 4;
    if (iterations < 1 || iterations > 100_000_000) {
      throw corrupt(file, "implausible PBKDF2 iteration count " + iterations);
    }
    return new Header(PASSPHRASE, salt, iterations, slice(content, at, WRAPPED_KEY_BYTES));
  }

  /**
   * The logins sealed in {@code content} under {@code header}.
   *
   * @throws VaultException WRONG_KEY when the key does not open it (or the bytes were altered),
   *     CORRUPT when it is truncated or malformed
   */
  static List<Entry> entries(Path file, byte[] content, Header header, byte[] dataKey, String keyHint)
      throws VaultException {
    byte[] aad = header.bytes();
    if (content.length < aad.length + Crypto.NONCE_BYTES + Crypto.TAG_BYTES) {
      throw corrupt(file, "the file is truncated");
    }
    byte[] plain;
    try {
      plain = Crypto.open(dataKey, aad, content, aad.length);
    } catch (AEADBadTagException e) {
      throw new VaultException(VaultException.Kind.WRONG_KEY,
          "cannot decrypt " + file + ": " + keyHint + " does not open it, or the file was altered or truncated");
    } catch (GeneralSecurityException e) {
      throw new VaultException(VaultException.Kind.IO, "cannot decrypt " + file + ": " + e.getMessage(), e);
    }
    try {
      return decode(file, plain);
    } finally {
      Crypto.wipe(plain);
    }
  }

  static byte[] encode(Header header, byte[] dataKey, List<Entry> entries) throws VaultException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    writeInt(plain, entries.size());
    for (Entry e : entries) {
      writeString(plain, e.serverUrl());
      writeString(plain, e.username());
      writeString(plain, e.secret());
    }
    byte[] aad = header.bytes();
    byte[] payload = plain.toByteArray();
    try {
      byte[] sealed = Crypto.seal(dataKey, aad, payload);
      byte[] out = new byte[aad.length + sealed.length];
      System.arraycopy(aad, 0, out, 0, aad.length);
      System.arraycopy(sealed, 0, out, aad.length, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new VaultException(VaultException.Kind.IO, "cannot encrypt the credential store: " + e.getMessage(), e);
    } finally {
      Crypto.wipe(payload);
    }
  }

  private static List<Entry> decode(Path file, byte[] plain) throws VaultException {
    int[] at = {0};
    int count = readCount(file, plain, at);
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(new Entry(readString(file, plain, at), readString(file, plain, at), readString(file, plain, at)));
    }
    if (at[0] != plain.length) {
      throw corrupt(file, "unexpected bytes after the last entry");
    }
    return entries;
  }

  private static int readCount(Path file, byte[] b, int[] at) throws VaultException {
    if (b.length < 4) {
      throw corrupt(file, "no entry count");
    }
    int count = readInt(b, 0);
    at[0] = 4;
    if (count < 0 || count > b.length / 12) {
      throw corrupt(file, "implausible entry count " + count);
    }
    return count;
  }

  private static String readString(Path file, byte[] b, int[] at) throws VaultException {
    if (at[0] + 4 > b.length) {
      throw corrupt(file, "an entry is cut short");
    }
    int length = readInt(b, at[0]);
    at[0] += 4;
    if (length < 0 || length > MAX_FIELD || at[0] + length > b.length) {
      throw corrupt(file, "an entry is cut short");
    }
    String s = new String(b, at[0], length, StandardCharsets.UTF_8);
    at[0] += length;
    return s;
  }

  private static void writeString(ByteArrayOutputStream out, String s) throws VaultException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_FIELD) {
      throw new VaultException(VaultException.Kind.IO, "a credential field is longer than " + MAX_FIELD + " bytes");
    }
    writeInt(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
  }

  private static byte[] slice(byte[] b, int from, int length) {
    byte[] out = new byte[length];
    System.arraycopy(b, from, out, 0, length);
    return out;
  }

  private static boolean startsWithMagic(byte[] content) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (content[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithPartOfMagic(byte[] content) {
    for (int i = 0; i < content.length; i++) {
      if (content[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static VaultException corrupt(Path file, String problem) {
    return new VaultException(VaultException.Kind.CORRUPT, "cannot read " + file + ": " + problem);
  }
}
