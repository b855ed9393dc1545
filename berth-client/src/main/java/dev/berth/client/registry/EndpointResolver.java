package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLException;

/**
 * HTTPS or plain HTTP for a registry: HTTPS, except on loopback (plain HTTP, as docker treats
 * localhost, unless the registry has a certs.d directory: then it was set up for TLS), and except
 * where the user said {@code --insecure} and the registry does not speak TLS at all (then, as for
 * docker's insecure registries, plain HTTP).
 */
public final class EndpointResolver {
  private EndpointResolver() {}

  public static RegistryEndpoint resolve(HttpClient http, String host, TransportOptions options) {
    RegistryEndpoint endpoint = RegistryEndpoint.forHost(host);
    if (endpoint.plainHttp()) {
      return options.certsDirectories().forHost(host).isEmpty() ? endpoint
          : new RegistryEndpoint(host, URI.create("https://" + host));
    }
    if (!options.insecure()) {
      return endpoint;
    }
    // GET https://host/v2/: any answer means TLS works; a plain-HTTP reply to our handshake means it does not
    HttpRequest ping = HttpRequest.newBuilder(URI.create("https://" + host + "/v2/"))
        .timeout(options.responseTimeout()).GET().build();
    try {
      // any answer will do: its body is closed unread, which an endless one cannot hold up
      http.send(ping, HttpResponse.BodyHandlers.ofInputStream()).body().close();
      return endpoint;
    } catch (SSLException e) {
      String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("unrecognized ssl message") || m.contains("plaintext")) {
        return new RegistryEndpoint(host, URI.create("http://" + host));
      }
      return endpoint;
    } catch (IOException e) {
      return endpoint; // the real call will say what is wrong
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return endpoint;
    }
  }
}
