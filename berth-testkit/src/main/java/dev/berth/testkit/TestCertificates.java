package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, made in memory: a root CA, intermediates, server certificates with
 * the names given, client certificates for mutual TLS. Written as PEM the way operators keep them
 * (a server certificate file holds its chain; keys are 0600, PKCS#8).
 *
 * <pre>{@code
 * TestCertificates.Issued root = TestCertificates.ca("Test root");
 * TestCertificates.Issued mid = TestCertificates.intermediate(root, "Test intermediate");
 * TestCertificates.Issued server = TestCertificates.server(mid, "localhost", "127.0.0.1");
 * server.writeChain(dir.resolve("cert.pem")); server.writeKey(dir.resolve("key.pem"));
 * }</pre>
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** A certificate, its key, and the chain up to (not including) the root. */
  public record Issued(X509Certificate cert, PrivateKey key, List<X509Certificate> chain) {
    /** The certificate alone. */
    public Path writeCert(Path file) {
      return write(file, pem("CERTIFICATE", encoded(cert)), false);
    }

    /** The certificate followed by its intermediates. */
    public Path writeChain(Path file) {
      StringBuilder out = new StringBuilder();
      for (X509Certificate c : chain) {
        out.append(pem("CERTIFICATE", encoded(c)));
      }
      return write(file, out.toString(), false);
    }

    public Path writeKey(Path file) {
      return write(file, pem("PRIVATE KEY", key.getEncoded()), true);
    }

    /** The certificate as PEM text. */
    public String certPem() {
      return pem("CERTIFICATE", encoded(cert));
    }

    /** The key as PKCS#8 PEM text ({@code BEGIN PRIVATE KEY}). */
    public String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }

    /**
     * The key as openssl's traditional forms have it: {@code BEGIN RSA PRIVATE KEY} (PKCS#1) or
     * {@code BEGIN EC PRIVATE KEY} (SEC1, naming its curve, as {@code openssl ecparam -genkey}
     * writes it); older tools and many docker guides leave client keys so.
     */
    public String traditionalKeyPem() {
      try {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        if (key.getAlgorithm().equals("EC")) {
          var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
          int bits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
          var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(bits, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
          return pem("EC PRIVATE KEY", sec1.getEncoded());
        }
        return pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static Issued ca(String name) {
    KeyPair pair = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509Certificate cert = build(subject, subject, pair, pair.getPrivate(), true, null, null);
    return new Issued(cert, pair.getPrivate(), List.of(cert));
  }

  public static Issued intermediate(Issued parent, String name) {
    KeyPair pair = keyPair();
    X509Certificate cert = build(new X500Name(parent.cert().getSubjectX500Principal().getName()), new X500Name("CN=" + name),
        pair, parent.key(), true, null, null);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    if (!isRoot(parent.cert())) {
      chain.addAll(parent.chain());
    }
    return new Issued(cert, pair.getPrivate(), chain);
  }

  /** A server certificate for {@code names} (DNS names or IP addresses). */
  public static Issued server(Issued issuer, String... names) {
    Instant now = Instant.now();
    return leaf(issuer, names[0], KeyPurposeId.id_kp_serverAuth, names, keyPair(), now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));
  }

  /** A server certificate valid only from {@code notBefore} to {@code notAfter} (an expired one, say). */
  public static Issued server(Issued issuer, Instant notBefore, Instant notAfter, String... names) {
    return leaf(issuer, names[0], KeyPurposeId.id_kp_serverAuth, names, keyPair(), notBefore, notAfter);
  }

  public static Issued client(Issued issuer, String name) {
    return client(issuer, name, keyPair());
  }

  /** A client certificate for {@code keys} (an RSA pair from {@link #rsaKeyPair()}, say). */
  public static Issued client(Issued issuer, String name, KeyPair keys) {
    Instant now = Instant.now();
    return leaf(issuer, name, KeyPurposeId.id_kp_clientAuth, new String[0], keys, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));
  }

  /** RSA 2048, for keys that must be RSA (the certificates here are otherwise EC P-256). */
  public static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued leaf(Issued issuer, String cn, KeyPurposeId purpose, String[] names, KeyPair pair, Instant notBefore,
      Instant notAfter) {
    GeneralName[] sans = new GeneralName[names.length];
    for (int i = 0; i < names.length; i++) {
      boolean ip = names[i].matches("[0-9.]+") || names[i].contains(":");
      sans[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
    }
    X509Certificate cert = build(new X500Name(issuer.cert().getSubjectX500Principal().getName()), new X500Name("CN=" + cn),
        pair, issuer.key(), false, purpose, sans.length == 0 ? null : new GeneralNames(sans), notBefore, notAfter);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    if (!isRoot(issuer.cert())) {
      chain.addAll(issuer.chain());
    }
    return new Issued(cert, pair.getPrivate(), chain);
  }

  private static boolean isRoot(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  private static X509Certificate build(X500Name issuer, X500Name subject, KeyPair pair, PrivateKey signer, boolean ca,
      KeyPurposeId purpose, GeneralNames sans) {
    Instant now = Instant.now();
    return build(issuer, subject, pair, signer, ca, purpose, sans, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
  }

  private static X509Certificate build(X500Name issuer, X500Name subject, KeyPair pair, PrivateKey signer, boolean ca,
      KeyPurposeId purpose, GeneralNames sans, Instant notBefore, Instant notAfter) {
    try {
      byte[] serial = new byte[12];
      new SecureRandom().nextBytes(serial);
      var b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(1, serial).add(BigInteger.ONE),
          Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(true) : new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (purpose != null) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate: " + e, e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static Path write(Path file, String text, boolean secret) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text, StandardCharsets.US_ASCII);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
