package dev.berth.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoTlsTest {
  @TempDir Path dir;

  @Test
  void firstStartMakesACaAndACertificateForTheNamesKeysPrivate() throws Exception {
    Set<String> names = AutoTls.names("192.0.2.10", List.of("registry.example"));
    assertThat(names).contains("192.0.2.10", "registry.example", "localhost", "127.0.0.1");

    AutoTls.Material m = AutoTls.ensure(dir, names, Instant.now());
    assertThat(m.issued()).isTrue();
    assertThat(m.newCa()).isTrue();
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("server.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(AutoTls.namesOf(m.chain().getFirst())).contains("192.0.2.10", "registry.example", "localhost");
    assertThat(m.ca().getBasicConstraints()).isEqualTo(0);
    // the chain the server sends validates against the CA alone, as a client's would
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(m.ca(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(m.chain().getFirst())), params);
    assertThat(Pem.readCertificates(dir.resolve("server.crt"))).hasSize(2);
  }

  @Test
  void laterStartsKeepTheCaAndTheCertificateUntilNamesChangeOrExpiryNears() {
    Set<String> names = AutoTls.names("127.0.0.1", List.of());
    AutoTls.Material first = AutoTls.ensure(dir, names, Instant.now());
    AutoTls.Material again = AutoTls.ensure(dir, names, Instant.now());
    assertThat(again.issued()).isFalse();
    assertThat(again.chain().getFirst()).isEqualTo(first.chain().getFirst());

    AutoTls.Material renamed = AutoTls.ensure(dir, AutoTls.names("127.0.0.1", List.of("new.example")), Instant.now());
    assertThat(renamed.issued()).isTrue();
    assertThat(renamed.newCa()).isFalse();
    assertThat(Pem.fingerprint(renamed.ca())).isEqualTo(Pem.fingerprint(first.ca()));
    assertThat(AutoTls.namesOf(renamed.chain().getFirst())).contains("new.example");

    Instant nearExpiry = Instant.now().plus(AutoTls.SERVER_LIFETIME).minus(Duration.ofDays(10));
    assertThat(AutoTls.renewalDue(renamed.chain().getFirst(), nearExpiry)).isTrue();
    AutoTls.Material renewed = AutoTls.ensure(dir, AutoTls.names("127.0.0.1", List.of("new.example")), nearExpiry);
    assertThat(renewed.issued()).isTrue();
    assertThat(Pem.fingerprint(renewed.ca())).isEqualTo(Pem.fingerprint(first.ca()));
  }

  @Test
  void fingerprintsReadAsTyped() {
    String canonical = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
    assertThat(Pem.normalizeFingerprint(canonical.toLowerCase())).isEqualTo(canonical);
    assertThat(Pem.normalizeFingerprint("sha256:" + canonical.replace(":", ""))).isEqualTo(canonical);
    assertThat(Pem.normalizeFingerprint("SHA256 Fingerprint=" + canonical)).isEqualTo(canonical);
    assertThat(Pem.normalizeFingerprint("AB:CD")).isNull();
  }
}
