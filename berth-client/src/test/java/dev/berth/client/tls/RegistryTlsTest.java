package dev.berth.client.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.registry.BasicOnlyAuthenticator;
import dev.berth.client.registry.EndpointResolver;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryUnreachableException;
import dev.berth.client.registry.RetryPolicy;
import dev.berth.client.registry.TransportOptions;
import dev.berth.model.Digest;
import dev.berth.testkit.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against a fake registry on loopback with a CA made here: certs.d's {@code ca.crt} is
 * trusted besides the system's, its {@code client.cert}/{@code client.key} are presented (PKCS#1,
 * SEC1 and PKCS#8 keys), {@code --insecure} is the only way past verification, and every
 * certificate problem is one line naming the registry and the fix. The certs.d base is the test's
 * directory, never {@code /etc}.
 */
@Timeout(60)
class RegistryTlsTest {
  private static final byte[] MANIFEST = "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}".getBytes(StandardCharsets.UTF_8);

  static TestCertificates.Issued ca;
  static TestCertificates.Issued otherCa;
  static TestCertificates.Issued good;
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  static void pki() throws Exception {
    ca = TestCertificates.ca("Berth test CA");
    otherCa = TestCertificates.ca("Someone else");
    good = TestCertificates.server(ca, "127.0.0.1");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  /** An HTTPS registry answering one manifest; {@code clientCa} non-null: it wants a client certificate signed by it. */
  private String registry(TestCertificates.Issued cert, TestCertificates.Issued clientCa) throws Exception {
    HttpServerOptions options = new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(cert.certPem())).setKeyValue(Buffer.buffer(cert.keyPem())));
    if (clientCa != null) {
      options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(clientCa.certPem())));
    }
    HttpServer server = vertx.createHttpServer(options).requestHandler(req -> {
      requests.incrementAndGet();
      req.response().putHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json").end(Buffer.buffer(MANIFEST));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    return "127.0.0.1:" + server.actualPort();
  }

  private Path certsD() {
    return dir.resolve("certs.d");
  }

  private Path hostDir(String host) throws Exception {
    return Files.createDirectories(certsD().resolve(host));
  }

  private TransportOptions options() {
    return TransportOptions.defaults().withRetry(RetryPolicy.none())
        .withCertsDirectories(new CertsDirectories(List.of(certsD(), dir.resolve("other-base"))));
  }

  private Digest fetch(String host, TransportOptions options) throws Exception {
    RegistryClient client = new RegistryClient(options.newHttpClient(host), new RegistryEndpoint(host, URI.create("https://" + host)),
        "a/b", new BasicOnlyAuthenticator(Optional.empty()), false, options);
    return client.getManifest("1").digest();
  }

  @Test
  void aCaCertificateInTheRegistrysCertsDirectoryIsTrusted() throws Exception {
    String host = registry(good, null);
    Files.writeString(hostDir(host).resolve("ca.crt"), ca.certPem());
    assertThat(fetch(host, options())).isEqualTo(Digest.sha256(MANIFEST));
  }

  @Test
  void anUnknownAuthorityIsOneLineNamingTheRegistryAndWhereItsCaGoes() throws Exception {
    String host = registry(good, null);
    Files.writeString(hostDir(host).resolve("ca.crt"), otherCa.certPem()); // trusting someone else does not help
    assertThatThrownBy(() -> fetch(host, options()))
        .isInstanceOfSatisfying(RegistryUnreachableException.class,
            e -> assertThat(e.kind()).isEqualTo(RegistryUnreachableException.Kind.TLS))
        .hasMessage("TLS: the certificate of " + host + " is signed by an unknown authority; put the registry's CA"
            + " certificate in " + certsD().resolve(host) + "/ca.crt (or use --insecure to skip verification)");
    assertThat(requests).hasValue(0);
  }

  @Test
  void insecureIsTheOnlyWayPastVerification() throws Exception {
    Instant now = Instant.now();
    TestCertificates.Issued expiredForAnotherName = TestCertificates.server(otherCa, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)),
        "registry.example");
    String host = registry(expiredForAnotherName, null);
    assertThatThrownBy(() -> fetch(host, options())).isInstanceOf(RegistryUnreachableException.class);
    assertThat(fetch(host, options().withInsecure(true))).isEqualTo(Digest.sha256(MANIFEST));
  }

  @Test
  void aCertificateForAnotherNameIsRefusedSayingSo() throws Exception {
    String host = registry(TestCertificates.server(ca, "registry.example"), null);
    Files.writeString(hostDir(host).resolve("ca.crt"), ca.certPem());
    assertThatThrownBy(() -> fetch(host, options()))
        .hasMessageStartingWith("TLS: the certificate of " + host + " is not valid for that name (")
        .hasMessageEndingWith("); the registry needs a certificate naming " + host + " (--insecure skips verification)");
  }

  @Test
  void anExpiredCertificateIsRefusedSayingSo() throws Exception {
    Instant now = Instant.now();
    String host = registry(TestCertificates.server(ca, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)), "127.0.0.1"), null);
    Files.writeString(hostDir(host).resolve("ca.crt"), ca.certPem());
    assertThatThrownBy(() -> fetch(host, options()))
        .hasMessageStartingWith("TLS: the certificate of " + host + " has expired or is not yet valid (")
        .hasMessageEndingWith("the registry needs a current certificate (--insecure skips verification)");
  }

  @Test
  void theClientCertificateInCertsDIsPresentedWhateverTheKeysFormat() throws Exception {
    TestCertificates.Issued clientCa = TestCertificates.ca("client CA");
    String host = registry(good, clientCa);
    Path hostDir = hostDir(host);
    Files.writeString(hostDir.resolve("ca.crt"), ca.certPem());
    assertThatThrownBy(() -> fetch(host, options()))
        .hasMessage("TLS: " + host + " refused the connection without a client certificate it accepts; put client.cert"
            + " and client.key in " + hostDir + "/");

    TestCertificates.Issued rsa = TestCertificates.client(clientCa, "berth-client", TestCertificates.rsaKeyPair());
    Files.writeString(hostDir.resolve("client.cert"), rsa.certPem());
    Files.writeString(hostDir.resolve("client.key"), rsa.traditionalKeyPem());
    assertThat(Files.readString(hostDir.resolve("client.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(fetch(host, options())).isEqualTo(Digest.sha256(MANIFEST));

    TestCertificates.Issued ec = TestCertificates.client(clientCa, "berth-client");
    Files.writeString(hostDir.resolve("client.cert"), ec.certPem());
    Files.writeString(hostDir.resolve("client.key"), ec.traditionalKeyPem());
    assertThat(Files.readString(hostDir.resolve("client.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(fetch(host, options())).isEqualTo(Digest.sha256(MANIFEST));

    Files.writeString(hostDir.resolve("client.key"), ec.keyPem());
    assertThat(fetch(host, options())).isEqualTo(Digest.sha256(MANIFEST));
  }

  @Test
  void unusableCertificateFilesAreOneLineNamingTheFile() throws Exception {
    Path hostDir = hostDir("127.0.0.1:1");
    Files.writeString(hostDir.resolve("client.cert"), good.certPem());
    assertThatThrownBy(() -> options().newHttpClient("127.0.0.1:1")).isInstanceOf(TlsSetupException.class)
        .hasMessage("client certificate " + hostDir.resolve("client.cert") + " has no key beside it (expected "
            + hostDir.resolve("client.key") + ")");
    Files.writeString(hostDir.resolve("client.key"), "not a key");
    assertThatThrownBy(() -> options().newHttpClient("127.0.0.1:1"))
        .hasMessage("no PEM private key in " + hostDir.resolve("client.key"));
    Files.delete(hostDir.resolve("client.key"));
    Files.delete(hostDir.resolve("client.cert"));
    Files.writeString(hostDir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> options().newHttpClient("127.0.0.1:1"))
        .hasMessageStartingWith("cannot read the certificate " + hostDir.resolve("ca.crt") + ": ");
  }

  @Test
  void aLoopbackRegistryWithACertsDirectoryIsSpokenToOverHttps() throws Exception {
    String host = registry(good, null);
    TransportOptions options = options();
    assertThat(EndpointResolver.resolve(options.newHttpClient(host), host, options).baseUri().getScheme()).isEqualTo("http");
    Files.writeString(hostDir(host).resolve("ca.crt"), ca.certPem());
    assertThat(EndpointResolver.resolve(options.newHttpClient(host), host, options).baseUri())
        .isEqualTo(URI.create("https://" + host));
  }
}
