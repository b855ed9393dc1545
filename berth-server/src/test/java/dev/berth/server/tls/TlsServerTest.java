package dev.berth.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The registry over TLS, seen by the JDK's HTTP client trusting only the test's CA. */
class TlsServerTest {
  @TempDir Path dir;
  final ByteArrayOutputStream output = new ByteArrayOutputStream();
  Path users;
  TestCertificates.Issued root;
  TestCertificates.Issued intermediate;

  @BeforeEach
  void setUp() {
    users = Htpasswd.create(dir.resolve("users"), "tls-user", "tls-password");
    root = TestCertificates.ca("Berth test root");
    intermediate = TestCertificates.intermediate(root, "Berth test intermediate");
  }

  private RegistryServer start(TlsSettings tls) {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true).withTls(tls);
    return RegistryServer.start(config, new PrintStream(output, true, StandardCharsets.UTF_8));
  }

  private TlsSettings files(TestCertificates.Issued server) {
    return TlsSettings.files(server.writeChain(dir.resolve("cert.pem")), server.writeKey(dir.resolve("key.pem")));
  }

  static HttpClient client(X509Certificate trusted, TestCertificates.Issued clientCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientCert != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", clientCert.key(), new char[0], clientCert.chain().toArray(new X509Certificate[0]));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }

  private static HttpResponse<String> get(HttpClient client, String url, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    try (client) {
      return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void aCertificateWithItsChainServesTheApiAndTheTokenRealmIsHttps() throws Exception {
    TestCertificates.Issued server = TestCertificates.server(intermediate, "localhost", "127.0.0.1");
    try (RegistryServer registry = start(files(server))) {
      String base = "https://127.0.0.1:" + registry.port();
      HttpResponse<String> challenge = get(client(root.cert(), null), base + "/v2/", null);
      assertThat(challenge.statusCode()).isEqualTo(401);
      assertThat(challenge.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
          assertThat(h).startsWith("Bearer realm=\"https://127.0.0.1:" + registry.port() + "/token\""));
      HttpResponse<String> token = get(client(root.cert(), null), base + "/token?service=berth",
          "Basic " + Base64.getEncoder().encodeToString("tls-user:tls-password".getBytes(StandardCharsets.UTF_8)));
      assertThat(token.statusCode()).isEqualTo(200);
      assertThat(token.body()).contains("\"token\"");
      // nothing in clear text on the TLS port
      assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http://127.0.0.1:" + registry.port() + "/v2/", null))
          .isInstanceOf(IOException.class);
      assertThat(output.toString(StandardCharsets.UTF_8)).contains("listening on https://127.0.0.1:" + registry.port());
    }
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestartAndABrokenOneIsNot() throws Exception {
    TestCertificates.Issued first = TestCertificates.server(intermediate, "localhost", "127.0.0.1");
    try (RegistryServer registry = start(files(first))) {
      String url = "https://127.0.0.1:" + registry.port() + "/healthz";
      assertThat(presented(url)).isEqualTo(first.cert());

      // a half-written renewal (a certificate without its key) keeps the old one in force
      Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
      awaitOutput("cannot be used, keeping the previous one");
      assertThat(presented(url)).isEqualTo(first.cert());

      // the renewal lands as certbot does it: new files renamed into place
      TestCertificates.Issued second = TestCertificates.server(intermediate, "localhost", "127.0.0.1");
      second.writeKey(dir.resolve("key.new"));
      second.writeChain(dir.resolve("cert.new"));
      Files.move(dir.resolve("key.new"), dir.resolve("key.pem"), StandardCopyOption.ATOMIC_MOVE);
      Files.move(dir.resolve("cert.new"), dir.resolve("cert.pem"), StandardCopyOption.ATOMIC_MOVE);
      awaitOutput("reloaded (expires");
      for (int i = 0; i < 50 && !presented(url).equals(second.cert()); i++) {
        Thread.sleep(100);
      }
      assertThat(presented(url)).isEqualTo(second.cert());
    }
  }

  @Test
  void mutualTlsServesOnlyClientsWithACertificateFromTheClientCa() throws Exception {
    TestCertificates.Issued clientCa = TestCertificates.ca("Team client CA");
    TestCertificates.Issued stranger = TestCertificates.ca("Someone else");
    TestCertificates.Issued server = TestCertificates.server(intermediate, "localhost", "127.0.0.1");
    TlsSettings tls = files(server).withClientCas(List.of(clientCa.writeCert(dir.resolve("client-ca.pem"))));
    try (RegistryServer registry = start(tls)) {
      String url = "https://127.0.0.1:" + registry.port() + "/healthz";
      assertThatThrownBy(() -> get(client(root.cert(), null), url, null)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> get(client(root.cert(), TestCertificates.client(stranger, "eve")), url, null))
          .isInstanceOf(IOException.class);
      assertThat(get(client(root.cert(), TestCertificates.client(clientCa, "ci-runner")), url, null).statusCode())
          .isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(value = TlsSettings.Engine.class, names = {"JDK", "OPENSSL"})
  void bothEnginesServe(TlsSettings.Engine engine) throws Exception {
    TestCertificates.Issued server = TestCertificates.server(root, "127.0.0.1");
    try (RegistryServer registry = start(files(server).withEngine(engine))) {
      assertThat(get(client(root.cert(), null), "https://127.0.0.1:" + registry.port() + "/healthz", null).body())
          .isEqualTo("ok\n");
      assertThat(output.toString(StandardCharsets.UTF_8))
          .contains(engine == TlsSettings.Engine.JDK ? "TLS: JDK" : "TLS: OpenSSL (BoringSSL)");
    }
  }

  @Test
  void automaticTlsPublishesItsCaAndPrintsTheTrustCommand() throws Exception {
    try (RegistryServer registry = start(TlsSettings.auto(List.of("registry.test")))) {
      Path caFile = dir.resolve("data/tls/ca.crt");
      X509Certificate ca = Pem.readCertificates(caFile).getFirst();
      HttpResponse<String> published = get(client(ca, null), "https://localhost:" + registry.port() + "/ca.crt", null);
      assertThat(published.statusCode()).isEqualTo(200);
      assertThat(published.body()).isEqualTo(Files.readString(caFile));
      assertThat(published.headers().firstValue("Content-Type")).contains("application/x-pem-file");
      assertThat(output.toString(StandardCharsets.UTF_8))
          .contains("SHA-256 fingerprint " + Pem.fingerprint(ca))
          .contains("berth trust https://registry.test:" + registry.port() + " --fingerprint " + Pem.fingerprint(ca));
    }
  }

  private X509Certificate presented(String url) throws Exception {
    HttpResponse<String> r = get(client(root.cert(), null), url, null);
    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
  }

  private void awaitOutput(String needle) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (output.toString(StandardCharsets.UTF_8).contains(needle)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + needle + "' in:\n" + output.toString(StandardCharsets.UTF_8));
  }
}
