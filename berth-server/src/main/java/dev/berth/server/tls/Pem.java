package dev.berth.server.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM files as TLS uses them: certificate chains, private keys (PKCS#8, PKCS#1 RSA, SEC1 EC),
 * and SHA-256 fingerprints as {@code openssl x509 -fingerprint -sha256} prints them. Failures
 * are one line naming the file.
 */
public final class Pem {
  private Pem() {}

  /** The certificates in a PEM file, in order (a server certificate first, then its chain). */
  public static List<X509Certificate> readCertificates(Path file) {
    return parseCertificates(read(file), file.toString());
  }

  public static List<X509Certificate> parseCertificates(String pem, String what) {
    List<X509Certificate> certs = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          certs.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new TlsException(what + " is not a PEM certificate file: " + oneLine(e));
    }
    if (certs.isEmpty()) {
      throw new TlsException(what + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /** The private key in a PEM file; an encrypted key is refused with a hint. */
  public static PrivateKey readPrivateKey(Path file) {
    String text = read(file);
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new TlsException("the private key in " + file + " is encrypted; give an unencrypted one"
              + " (0600), e.g. from: openssl pkey -in " + file + " -out key.pem");
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof TlsException t) {
        throw t;
      }
      throw new TlsException(file + " is not a PEM private key: " + oneLine(e));
    }
    throw new TlsException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /** Whether {@code key} is the private half of {@code certificate}'s public key. */
  public static boolean matches(PrivateKey key, X509Certificate certificate) {
    PublicKey pub = certificate.getPublicKey();
    String algorithm = switch (pub.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null || !pub.getAlgorithm().equals(key.getAlgorithm()) && !algorithm.equals("Ed25519")) {
      return false;
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      s.initVerify(pub);
      s.update(probe);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  public static String certificates(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : chain) {
      try {
        out.append(block("CERTIFICATE", c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new TlsException("cannot encode certificate " + c.getSubjectX500Principal() + ": " + e.getMessage());
      }
    }
    return out.toString();
  }

  /** The key as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the form every TLS engine reads. */
  public static String privateKey(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  /** {@code AB:CD:…}, 32 bytes of SHA-256 over the DER encoding, as openssl prints it. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    } catch (GeneralSecurityException e) {
      throw new TlsException("cannot compute a fingerprint: " + e.getMessage());
    }
  }

  /**
   * A fingerprint as a user may type it ({@code AB:CD…}, {@code abcd…}, {@code sha256:…},
   * {@code SHA256 Fingerprint=…}) in the canonical form, or null when it is not 32 bytes of hex.
   */
  public static String normalizeFingerprint(String text) {
    String t = text.strip();
    int eq = t.lastIndexOf('=');
    if (eq >= 0) {
      t = t.substring(eq + 1);
    }
    t = t.toLowerCase(Locale.ROOT);
    if (t.startsWith("sha256:")) {
      t = t.substring(7);
    }
    t = t.replace(":", "").replace(" ", "");
    if (!t.matches("[0-9a-f]{64}")) {
      return null;
    }
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(t));
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new TlsException(file + " does not exist");
    } catch (IOException e) {
      throw new TlsException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("").strip();
  }
}
