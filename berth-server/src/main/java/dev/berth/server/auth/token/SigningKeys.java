package dev.berth.server.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.berth.server.storage.AtomicFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The keys that sign access tokens (ECDSA P-256, ES256), kept with the storage in
 * {@code auth/signing-keys.json} (a JWK set with the private parts, mode 0600). The newest key
 * signs; every key in the set verifies, so a rotation leaves tokens signed by the previous key
 * working until they expire. A rotation drops keys retired longer than {@link #RETAIN} ago.
 *
 * <p>Each key's id is its libtrust fingerprint (distribution's format, e.g.
 * {@code ABCD:EFGH:…}), and {@code auth/token-signing.pem} holds a self-signed certificate per key:
 * a registry that trusts a certificate bundle (distribution's {@code auth: token: rootcertbundle})
 * accepts Berth's tokens with that file.
 */
public final class SigningKeys {
  /** How long a replaced key still verifies: far longer than any access token lives. */
  public static final Duration RETAIN = Duration.ofDays(1);

  private final List<ECKey> keys; // newest first

  private SigningKeys(List<ECKey> keys) {
    this.keys = List.copyOf(keys);
  }

  public static Path keysFile(Path authDir) {
    return authDir.resolve("signing-keys.json");
  }

  public static Path certificateFile(Path authDir) {
    return authDir.resolve("token-signing.pem");
  }

  /** Reads the key set, creating it (and the certificate bundle) on first start. */
  public static SigningKeys loadOrCreate(Path authDir) {
    Path file = keysFile(authDir);
    if (!Files.exists(file)) {
      SigningKeys created = new SigningKeys(List.of(generate(Instant.now())));
      created.save(authDir);
      return created;
    }
    SigningKeys keys = read(file);
    if (!Files.exists(certificateFile(authDir))) {
      keys.writeCertificates(authDir);
    }
    return keys;
  }

  /** @throws IllegalArgumentException naming the file when it cannot be used */
  public static SigningKeys read(Path file) {
    try {
      JWKSet set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
      List<ECKey> keys = new ArrayList<>();
      for (JWK k : set.getKeys()) {
        if (!(k instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())) {
          throw new IllegalArgumentException("token signing keys " + file + ": key " + k.getKeyID()
              + " is not a private P-256 key");
        }
        keys.add(ec);
      }
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("token signing keys " + file + " holds no key");
      }
      keys.sort(Comparator.comparing(SigningKeys::created).reversed());
      return new SigningKeys(keys);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("token signing keys " + file + " do not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read token signing keys " + file + ": " + e.getMessage());
    } catch (ParseException e) {
      throw new IllegalArgumentException("token signing keys " + file + " are not a JWK set: " + e.getMessage());
    }
  }

  /**
   * A new signing key in front; keys replaced more than {@link #RETAIN} ago are dropped. Writes the
   * key set and the certificate bundle.
   */
  public static SigningKeys rotate(Path authDir, Instant now) {
    SigningKeys old = loadOrCreate(authDir);
    List<ECKey> next = new ArrayList<>();
    next.add(generate(now));
    // a key was retired when its successor was created: keep it while that is recent
    for (int i = 0; i < old.keys.size(); i++) {
      Instant retired = i == 0 ? now : created(old.keys.get(i - 1));
      if (Duration.between(retired, now).compareTo(RETAIN) < 0) {
        next.add(old.keys.get(i));
      }
    }
    SigningKeys rotated = new SigningKeys(next);
    rotated.save(authDir);
    return rotated;
  }

  /** The key that signs new tokens. */
  public ECKey signer() {
    return keys.getFirst();
  }

  /** The key with this id, or null. */
  public ECKey find(String kid) {
    for (ECKey k : keys) {
      if (k.getKeyID().equals(kid)) {
        return k;
      }
    }
    return null;
  }

  public List<ECKey> all() {
    return keys;
  }

  private void save(Path authDir) {
    JWKSet set = new JWKSet(new ArrayList<>(keys));
    AtomicFiles.write(keysFile(authDir), set.toString(false).getBytes(StandardCharsets.UTF_8),
        PosixFilePermissions.fromString("rw-------"));
    writeCertificates(authDir);
  }

  private void writeCertificates(Path authDir) {
    StringBuilder pem = new StringBuilder();
    for (ECKey k : keys) {
      pem.append("-----BEGIN CERTIFICATE-----\n")
          .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate(k)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    AtomicFiles.write(certificateFile(authDir), pem.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static ECKey generate(Instant now) {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256).issueTime(Date.from(now)).generate();
      return new ECKey.Builder(key).keyID(libtrustKeyId(key.toECPublicKey())).build();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a token signing key: " + e.getMessage(), e);
    }
  }

  private static Instant created(ECKey key) {
    return key.getIssueTime() == null ? Instant.EPOCH : key.getIssueTime().toInstant();
  }

  /** A self-signed certificate for the key, valid for 20 years (it is trusted as a bundle entry, not for its dates). */
  static byte[] certificate(ECKey key) {
    try {
      Instant from = created(key).minus(Duration.ofDays(1));
      X500Name name = new X500Name("CN=Berth token signing key " + key.getKeyID().substring(0, 14));
      byte[] serial = new byte[16];
      new SecureRandom().nextBytes(serial);
      var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(1, serial), Date.from(from),
          Date.from(from.plus(Duration.ofDays(365L * 20))), name, key.toECPublicKey());
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key.toECPrivateKey());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return cert.getEncoded();
    } catch (JOSEException | OperatorCreationException | java.security.cert.CertificateException e) {
      throw new IllegalStateException("cannot make the certificate of token signing key " + key.getKeyID()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * libtrust's key id, which distribution matches against the keys of its trusted certificates:
   * SHA-256 of the DER public key, first 240 bits, base32, in twelve groups of four.
   */
  static String libtrustKeyId(ECPublicKey key) {
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String b32 = base32(java.util.Arrays.copyOf(hash, 30));
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < b32.length(); i += 4) {
      if (i > 0) {
        id.append(':');
      }
      id.append(b32, i, i + 4);
    }
    return id.toString();
  }

  private static String base32(byte[] data) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }
}
