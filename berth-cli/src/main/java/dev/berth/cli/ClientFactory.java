package dev.berth.cli;

import dev.berth.client.HttpClients;
import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.auth.ChallengeAuthenticator;
import dev.berth.client.registry.CatalogClient;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.DockerCredentials;
import dev.berth.model.Reference;
import java.io.IOException;
import java.net.http.HttpClient;

/**
 * Where image commands get their collaborators: the local image store, the HTTP client and, per
 * registry, the {@link Authenticator}. HTTP clients come from {@link HttpClients}: TLS is set up
 * only for a connection that needs it (a loopback registry is plain HTTP), and they are shut down
 * before the process exits.
 */
final class ClientFactory {

  /** {@code $XDG_DATA_HOME/berth/images}: an OCI image layout. */
  static ImageStore imageStore(CliContext context) throws IOException {
    return ImageStore.open(context.dataHome().resolve("images"));
  }

  /** A client for the image's repository, authenticating as docker would; {@code push} asks for push access too. */
  static RegistryClient registryClient(CliContext context, Reference image, boolean push, TransportOptions options) {
    RegistryEndpoint endpoint = endpointFor(image);
    HttpClient http = HttpClients.newClient(options.connectTimeout());
    return new RegistryClient(http, endpoint, image.path(),
        authenticatorFor(context, image.domain(), image.path(), endpoint, http), push, options);
  }

  /** A client for a registry's catalog ({@code berth search}), with the credentials docker would use for {@code domain}. */
  static CatalogClient catalogClient(CliContext context, String domain, TransportOptions options) {
    RegistryEndpoint endpoint = RegistryEndpoint.forHost(domain);
    HttpClient http = HttpClients.newClient(options.connectTimeout());
    return new CatalogClient(http, endpoint, authenticatorFor(context, domain, null, endpoint, http), options);
  }

  /** The endpoint for an image's registry: Docker Hub's API host, HTTPS unless loopback. */
  private static RegistryEndpoint endpointFor(Reference image) {
    return RegistryEndpoint.forHost(image.registryHost());
  }

  /**
   * The authenticator for {@code domain} (an image reference's domain as docker normalises it,
   * {@code docker.io} for Docker Hub), talking to {@code endpoint}: credentials found the way
   * docker finds them (credHelpers, credsStore, auths; see {@link DockerCredentials}), a
   * repository-scoped key first (none for registry-wide calls), answering Basic and Bearer challenges.
   */
  private static Authenticator authenticatorFor(CliContext context, String domain, String repository,
      RegistryEndpoint endpoint, HttpClient http) {
    DockerCredentials credentials = CredentialsCommand.credentials(context);
    try {
      return new ChallengeAuthenticator(endpoint,
          repository == null ? credentials.lookup(domain) : credentials.lookup(domain, repository), http);
    } catch (IOException e) {
      // a corrupt config.json or a failing helper: say which, in one line
      throw new UserError(e.getMessage());
    }
  }

  private ClientFactory() {}
}
