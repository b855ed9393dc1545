package dev.berth.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.registry.BasicOnlyAuthenticator;
import dev.berth.client.registry.RegistryTransport;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.Credentials;
import dev.berth.model.Reference;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Where image commands get their collaborators: the local image store, the HTTP client and, per
 * registry, the {@link Authenticator}. The one seam to wire the full credential lookup (docker's
 * config.json, helpers) and the challenge authenticator (Bearer tokens) into push and pull.
 */
final class ClientFactory {
  private static final HttpClient HTTP = RegistryTransport.newHttpClient();

  /** {@code $XDG_DATA_HOME/berth/images}: an OCI image layout. */
  static ImageStore imageStore(CliContext context) throws IOException {
    return ImageStore.open(context.dataHome().resolve("images"));
  }

  static HttpClient httpClient() {
    return HTTP;
  }

  /** The endpoint for an image's registry: Docker Hub's API host, HTTPS unless loopback. */
  static RegistryEndpoint endpointFor(Reference image) {
    return RegistryEndpoint.forHost(image.registryHost());
  }

  /**
   * The authenticator for {@code domain} (an image reference's domain as docker normalises it,
   * {@code docker.io} for Docker Hub), talking to {@code endpoint}.
   *
   * <p>Interim wiring: Basic answers from the plaintext {@code auths} entry of docker's
   * config.json, read only. The coordinator replaces the body with the challenge authenticator
   * over the full credential lookup.
   */
  static Authenticator authenticatorFor(CliContext context, String domain, RegistryEndpoint endpoint) throws IOException {
    return new BasicOnlyAuthenticator(plaintextAuth(context, domain));
  }

  /** docker's keys: the Hub's historic index URL, else {@code host[:port]}. */
  private static Optional<Credentials> plaintextAuth(CliContext context, String domain) throws IOException {
    Path file = context.dockerConfigDir().resolve("config.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String key = domain.equals(Reference.DOCKER_HUB) ? "https://index.docker.io/v1/" : domain;
    Map<String, Object> config;
    try {
      config = JSON.std.mapFrom(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new UserError("cannot read " + file + ": it is not valid JSON");
    }
    if (config.get("auths") instanceof Map<?, ?> auths && auths.get(key) instanceof Map<?, ?> entry
        && entry.get("auth") instanceof String auth && !auth.isEmpty()) {
      String pair;
      try {
        pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new UserError("invalid auth entry for " + key + " in " + file + ": not base64");
      }
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new UserError("invalid auth entry for " + key + " in " + file + ": not user:password");
      }
      return Optional.of(new Credentials(pair.substring(0, colon), pair.substring(colon + 1)));
    }
    return Optional.empty();
  }

  private ClientFactory() {}
}
