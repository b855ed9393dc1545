package dev.berth.client.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a client key as openssl writes them: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}). The JDK reads only
 * PKCS#8, so the other two are wrapped in a PKCS#8 structure first (a few fixed DER bytes).
 */
final class PemKeys {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
      0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemKeys() {}

  static PrivateKey read(Path file) throws TlsSetupException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new TlsSetupException("cannot read the client key " + file + ": " + e.getMessage());
    }
    Matcher m = BLOCK.matcher(text);
    if (!m.find()) {
      throw new TlsSetupException("no PEM private key in " + file);
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    try {
      return switch (m.group(1)) {
        case "PRIVATE KEY" -> pkcs8(der);
        case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(
            new PKCS8EncodedKeySpec(wrap(RSA_ALGORITHM, der)));
        case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(
            new PKCS8EncodedKeySpec(wrap(ecAlgorithm(der), der)));
        default -> throw new TlsSetupException("the client key " + file
            + " is encrypted; decrypt it with: openssl pkey -in " + file + " -out " + file);
      };
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TlsSetupException("cannot read the client key " + file + ": " + e.getMessage()
          + " (openssl pkcs8 -topk8 -nocrypt -in " + file + " writes it in the form every tool reads)");
    }
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** PrivateKeyInfo: SEQUENCE { INTEGER 0, algorithm, OCTET STRING { key } }. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.writeBytes(tlv(0x04, key));
    return tlv(0x30, body.toByteArray());
  }

  /** The AlgorithmIdentifier for an SEC1 key: id-ecPublicKey with the curve the key names in [0]. */
  private static byte[] ecAlgorithm(byte[] sec1) {
    Der seq = new Der(sec1, 0);
    Der inner = new Der(sec1, seq.contentStart);
    int at = inner.next(); // version
    at = new Der(sec1, at).next(); // privateKey
    if (at >= seq.end || (sec1[at] & 0xff) != 0xa0) {
      throw new IllegalArgumentException("the EC key does not name its curve");
    }
    Der params = new Der(sec1, at);
    byte[] curve = Arrays.copyOfRange(sec1, params.contentStart, params.end);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(EC_PUBLIC_KEY_OID);
    body.writeBytes(curve);
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** One DER element's bounds. */
  private static final class Der {
    final int contentStart;
    final int end;

    Der(byte[] b, int at) {
      if (at + 2 > b.length) {
        throw new IllegalArgumentException("truncated DER");
      }
      int len = b[at + 1] & 0xff;
      int start = at + 2;
      if (len >= 0x80) {
        int octets = len & 0x7f;
        if (octets > 3 || start + octets > b.length) {
          throw new IllegalArgumentException("bad DER length");
        }
        len = 0;
        for (int i = 0; i < octets; i++) {
          len = (len << 8) | (b[start + i] & 0xff);
        }
        start += octets;
      }
      if (start + len > b.length) {
        throw new IllegalArgumentException("truncated DER");
      }
      this.contentStart = start;
      this.end = start + len;
    }

    int next() {
      return end;
    }
  }
}
