package dev.berth.server.tls;

import dev.berth.server.storage.AtomicFiles;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * {@code --tls auto}: a private certificate authority of the registry's own and a server
 * certificate it signs, kept in {@code <storage>/tls/}:
 *
 * <pre>
 * tls/
 * ├── ca.crt       the CA (10 years); clients trust it with 'berth trust' (served at /ca.crt)
 * ├── ca.key       its key (0600); never leaves this directory
 * ├── server.crt   the server certificate (397 days), then the CA: the chain the server sends
 * └── server.key   its key (0600)
 * </pre>
 *
 * The CA is made once; the server certificate is made again whenever the names it must cover
 * change, it is not signed by the CA on disk, or it expires within {@link #RENEW_BEFORE}. Keys are
 * ECDSA P-256, which every client of a registry accepts.
 */
public final class AutoTls {
  static final Duration CA_LIFETIME = Duration.ofDays(3650);
  static final Duration SERVER_LIFETIME = Duration.ofDays(397);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final Duration BACKDATE = Duration.ofHours(1); // clients with a clock a little behind

  /** The CA and the server certificate in force. */
  public record Material(X509Certificate ca, List<X509Certificate> chain, PrivateKey key, boolean issued,
      boolean newCa) {}

  private AutoTls() {}

  public static Path caFile(Path dir) {
    return dir.resolve("ca.crt");
  }

  static Path caKeyFile(Path dir) {
    return dir.resolve("ca.key");
  }

  public static Path certificateFile(Path dir) {
    return dir.resolve("server.crt");
  }

  public static Path keyFile(Path dir) {
    return dir.resolve("server.key");
  }

  /**
   * Loads what {@code dir} holds, making the CA and a new server certificate for {@code names}
   * when needed.
   */
  public static Material ensure(Path dir, Set<String> names, Instant now) {
    X509Certificate ca;
    PrivateKey caKey;
    boolean newCa = false;
    if (Files.exists(caFile(dir)) && Files.exists(caKeyFile(dir))) {
      ca = Pem.readCertificates(caFile(dir)).getFirst();
      caKey = Pem.readPrivateKey(caKeyFile(dir));
      if (!Pem.matches(caKey, ca)) {
        throw new TlsException(caKeyFile(dir) + " is not the key of " + caFile(dir) + "; remove both to make a new CA"
            + " (clients must then run berth trust again)");
      }
    } else {
      KeyPair pair = newKeyPair();
      ca = selfSigned(pair, names, now);
      caKey = pair.getPrivate();
      write(caKeyFile(dir), Pem.privateKey(caKey), true);
      write(caFile(dir), Pem.certificates(List.of(ca)), false);
      newCa = true;
    }
    if (!newCa && Files.exists(certificateFile(dir)) && Files.exists(keyFile(dir))) {
      try {
        List<X509Certificate> chain = Pem.readCertificates(certificateFile(dir));
        PrivateKey key = Pem.readPrivateKey(keyFile(dir));
        if (usable(chain.getFirst(), key, ca, names, now)) {
          return new Material(ca, List.of(chain.getFirst(), ca), key, false, false);
        }
      } catch (TlsException e) {
        // unreadable: made again below
      }
    }
    KeyPair pair = newKeyPair();
    X509Certificate server = issue(pair, names, ca, caKey, now);
    write(keyFile(dir), Pem.privateKey(pair.getPrivate()), true);
    write(certificateFile(dir), Pem.certificates(List.of(server, ca)), false);
    return new Material(ca, List.of(server, ca), pair.getPrivate(), true, newCa);
  }

  /** Whether the certificate on disk still serves: signed by the CA, same names, not about to expire. */
  private static boolean usable(X509Certificate cert, PrivateKey key, X509Certificate ca, Set<String> names, Instant now) {
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      return false;
    }
    return Pem.matches(key, cert) && cert.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))
        && namesOf(cert).equals(canonical(names));
  }

  /** Whether a certificate from {@link #ensure} expires within the renewal window. */
  public static boolean renewalDue(X509Certificate cert, Instant now) {
    return !cert.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE));
  }

  /**
   * The names a certificate for a server listening on {@code listenHost} must cover: that address
   * (every address of the machine when it is a wildcard), the machine's host name, localhost with
   * the loopback addresses, and {@code extra} (--hostname).
   */
  public static Set<String> names(String listenHost, List<String> extra) {
    Set<String> names = new LinkedHashSet<>();
    extra.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
    boolean wildcard = listenHost.equals("0.0.0.0") || listenHost.equals("::") || listenHost.equals("[::]");
    if (wildcard) {
      for (InetAddress a : LocalAddresses.all()) {
        names.add(a.getHostAddress());
      }
    } else {
      names.add(canonicalName(listenHost));
    }
    try {
      InetAddress local = InetAddress.getLocalHost();
      names.add(local.getHostName().toLowerCase(Locale.ROOT));
      String fqdn = local.getCanonicalHostName().toLowerCase(Locale.ROOT);
      if (fqdn.contains(".") && !fqdn.equals(local.getHostAddress())) {
        names.add(fqdn);
      }
    } catch (UnknownHostException e) {
      // no resolvable host name: the addresses and --hostname will do
    }
    names.add("localhost");
    names.add("127.0.0.1");
    names.add(canonicalName("::1"));
    return names;
  }

  private static Set<String> canonical(Set<String> names) {
    Set<String> out = new java.util.TreeSet<>();
    names.forEach(n -> out.add(canonicalName(n)));
    return out;
  }

  /** IP addresses in Java's canonical text, host names in lower case. */
  static String canonicalName(String name) {
    if (isIp(name)) {
      try {
        return InetAddress.getByName(name).getHostAddress();
      } catch (UnknownHostException e) {
        return name;
      }
    }
    return name.toLowerCase(Locale.ROOT);
  }

  static boolean isIp(String name) {
    return name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || name.contains(":");
  }

  /** The DNS names and IP addresses a certificate names (subject alternative names). */
  public static Set<String> namesOf(X509Certificate cert) {
    Set<String> out = new java.util.TreeSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() == 2 && (Integer.valueOf(2).equals(san.get(0)) || Integer.valueOf(7).equals(san.get(0)))) {
            out.add(canonicalName(String.valueOf(san.get(1))));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no names: it will be made again
    }
    return out;
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new TlsException("cannot make an EC key: " + e.getMessage());
    }
  }

  private static X509Certificate selfSigned(KeyPair pair, Set<String> names, Instant now) {
    String host = names.stream().filter(n -> !isIp(n) && !n.equals("localhost")).findFirst().orElse("localhost");
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Berth")
        .addRDN(BCStyle.CN, "Berth registry CA " + host + " " + now.toString().substring(0, 10)).build();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      var builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(CA_LIFETIME)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
      return sign(builder, pair.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new TlsException("cannot make the CA certificate: " + e.getMessage());
    }
  }

  private static X509Certificate issue(KeyPair pair, Set<String> names, X509Certificate ca, PrivateKey caKey, Instant now) {
    List<GeneralName> alternatives = new ArrayList<>();
    for (String n : names) {
      alternatives.add(new GeneralName(isIp(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    String first = names.iterator().next();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Berth").addRDN(BCStyle.CN, first).build();
    Instant notAfter = now.plus(SERVER_LIFETIME);
    if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
      notAfter = ca.getNotAfter().toInstant();
    }
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      var builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
          subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(alternatives.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
      return sign(builder, caKey);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new TlsException("cannot make the server certificate: " + e.getMessage());
    }
  }

  private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    b[0] &= 0x7f;
    return new BigInteger(1, b).max(BigInteger.ONE);
  }

  private static void write(Path file, String pem, boolean secret) {
    AtomicFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII),
        PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
  }
}
