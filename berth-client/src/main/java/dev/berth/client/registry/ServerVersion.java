package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import dev.berth.model.BerthVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code GET /v2/} without credentials, for {@code berth version SERVER}: every answer (a 401
 * included) carries {@code Docker-Distribution-API-Version}, and a Berth registry adds its
 * version in {@value BerthVersion#HEADER}. Nothing is sent that needs a login.
 *
 * @param apiVersion {@code registry/2.0}, or null when the server did not say
 * @param berthVersion the Berth version, or null for another registry
 */
public record ServerVersion(String apiVersion, String berthVersion) {

  public static ServerVersion probe(HttpClient http, RegistryEndpoint endpoint) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(endpoint.v2("")).GET().timeout(Duration.ofSeconds(30)).build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + endpoint.host() + " for its version", e);
    } catch (ConnectException e) {
      throw new RegistryUnreachableException("cannot connect to registry " + endpoint.host() + ": connection refused");
    } catch (IOException e) {
      throw new RegistryUnreachableException("cannot reach registry " + endpoint.host() + ": "
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    }
    // only the headers matter: the body is closed unread (a registry that never ends it would
    // otherwise hold the command for ever)
    response.body().close();
    String api = response.headers().firstValue("Docker-Distribution-API-Version").orElse(null);
    if (api == null && response.statusCode() != 200 && response.statusCode() != 401) {
      throw new IOException("registry " + endpoint.host() + " answered GET /v2/ with HTTP " + response.statusCode()
          + ": not a registry?");
    }
    return new ServerVersion(api, response.headers().firstValue(BerthVersion.HEADER).orElse(null));
  }
}
