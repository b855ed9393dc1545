package dev.berth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client with deferred TLS speaks plain HTTP without setting TLS up, and over TLS trusts exactly
 * what the JDK's default context trusts: a self-signed server is refused as by the default client.
 * Shut down, clients refuse new requests (their threads are gone).
 */
class HttpClientsTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer tls;
  static HttpServer plain;

  @BeforeAll
  static void start() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
        "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-validity", "2")
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();
    vertx = Vertx.vertx();
    tls = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword("changeit")))
        .requestHandler(r -> r.response().end("secret"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    plain = vertx.createHttpServer().requestHandler(r -> r.response().end("plain"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static String get(HttpClient client, String uri) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void plainHttpWorks() throws Exception {
    assertThat(get(HttpClients.newClient(), "http://127.0.0.1:" + plain.actualPort() + "/v2/")).isEqualTo("plain");
  }

  @Test
  void shutdownAllEndsTheClients() throws Exception {
    HttpClient client = HttpClients.newClient();
    assertThat(get(client, "http://127.0.0.1:" + plain.actualPort() + "/v2/")).isEqualTo("plain");
    HttpClients.shutdownAll();
    assertThat(client.isTerminated()).isTrue();
  }

  @Test
  void anUntrustedCertificateIsRefusedAsByTheDefaultClient() {
    String uri = "https://127.0.0.1:" + tls.actualPort() + "/v2/";
    assertThatThrownBy(() -> get(HttpClient.newHttpClient(), uri)).isInstanceOf(SSLHandshakeException.class);
    assertThatThrownBy(() -> get(HttpClients.newClient(), uri)).isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path building failed");
  }
}
