package dev.berth.server.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.auth.Scope;
import dev.berth.server.auth.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
  @TempDir Path dir;

  @Test
  void aFirstStartCreatesAPrivateKeyAndItsCertificate() throws Exception {
    SigningKeys keys = SigningKeys.loadOrCreate(dir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(SigningKeys.keysFile(dir))))
        .isEqualTo("rw-------");
    // distribution's key id format: twelve groups of four base32 characters
    assertThat(keys.signer().getKeyID()).matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}");
    Collection<? extends java.security.cert.Certificate> certs;
    try (var in = Files.newInputStream(SigningKeys.certificateFile(dir))) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    assertThat(certs).hasSize(1);
    assertThat(((X509Certificate) certs.iterator().next()).getPublicKey().getEncoded())
        .isEqualTo(keys.signer().toECPublicKey().getEncoded());
    assertThat(SigningKeys.loadOrCreate(dir).signer().getKeyID()).isEqualTo(keys.signer().getKeyID());
  }

  @Test
  void aRotationKeepsTokensOfThePreviousKeyValidAndDropsKeysRetiredLongAgo() throws Exception {
    Instant t0 = Instant.now();
    SigningKeys first = SigningKeys.loadOrCreate(dir);
    AccessTokens before = tokens(first);
    String old = before.issue("alice", List.of(Scope.repository("a/b", Action.PULL)), null);

    SigningKeys second = SigningKeys.rotate(dir, t0.plusSeconds(60));
    assertThat(second.signer().getKeyID()).isNotEqualTo(first.signer().getKeyID());
    assertThat(second.all()).hasSize(2);
    AccessTokens after = tokens(second);
    assertThat(after.verify(old).subject()).isEqualTo("alice");
    String fresh = after.issue("alice", List.of(), null);
    assertThat(com.nimbusds.jwt.SignedJWT.parse(fresh).getHeader().getKeyID()).isEqualTo(second.signer().getKeyID());

    SigningKeys third = SigningKeys.rotate(dir, t0.plus(SigningKeys.RETAIN).plus(Duration.ofMinutes(5)));
    assertThat(third.all()).extracting(k -> k.getKeyID())
        .containsExactly(third.signer().getKeyID(), second.signer().getKeyID());
    assertThatThrownBy(() -> tokens(third).verify(old)).isInstanceOf(AccessTokens.InvalidTokenException.class);
  }

  private static AccessTokens tokens(SigningKeys keys) {
    return new AccessTokens(() -> keys, "berth", "berth", Duration.ofMinutes(5), Clock.systemUTC());
  }
}
