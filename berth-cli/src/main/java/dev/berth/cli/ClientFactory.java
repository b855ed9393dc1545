package dev.berth.cli;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.auth.ChallengeAuthenticator;
import dev.berth.client.registry.EndpointResolver;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.store.ImageStore;
import dev.berth.client.tls.TlsSetupException;
import dev.berth.credentials.DockerCredentials;
import dev.berth.model.Reference;
import java.io.IOException;
import java.net.http.HttpClient;

/**
 * Where image commands get their collaborators: the local image store, the HTTP client and, per
 * registry, the {@link Authenticator}.
 */
final class ClientFactory {
  /** The HTTP clients made for this run, shut down when the command is done (see {@link #shutDown()}). */
  private static final java.util.List<HttpClient> CLIENTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Stops the HTTP clients' threads: a selector thread left waiting in native code holds the
   * JVM's exit for 300 ms (measured: the last line of a pull, then 0.31 s to exit).
   */
  static void shutDown() {
    for (HttpClient http : CLIENTS) {
      http.shutdownNow();
    }
    CLIENTS.clear();
  }

  /** {@code $XDG_DATA_HOME/berth/images}: an OCI image layout. */
  static ImageStore imageStore(CliContext context) throws IOException {
    return ImageStore.open(context.dataHome().resolve("images"));
  }

  /**
   * A client for the image's repository, authenticating as docker would; {@code push} asks for
   * push access too. TLS trusts the system's CAs and the registry's certs.d directories (see
   * {@link dev.berth.client.tls.CertsDirectories}); {@code --insecure} skips verification.
   */
  static RegistryClient registryClient(CliContext context, Reference image, boolean push, TransportOptions options) {
    String host = image.registryHost();
    if (insecureRegistry(context, host)) {
      options = options.withInsecure(true);
    }
    HttpClient http;
    try {
      http = options.newHttpClient(host);
    } catch (TlsSetupException e) {
      throw new UserError(e.getMessage());
    }
    CLIENTS.add(http);
    RegistryEndpoint endpoint = EndpointResolver.resolve(http, host, options);
    Authenticator auth = authenticatorFor(context, image.domain(), image.path(), endpoint, http, options.insecure());
    return new RegistryClient(http, endpoint, image.path(), auth, push, options);
  }

  /**
   * Whether {@code BERTH_INSECURE_REGISTRIES} (host:port names, separated by commas, as docker's
   * {@code insecure-registries} setting) lists the registry: then it is treated as with
   * {@code --insecure}.
   */
  static boolean insecureRegistry(CliContext context, String host) {
    String list = context.env("BERTH_INSECURE_REGISTRIES");
    if (list == null) {
      return false;
    }
    for (String entry : list.split(",")) {
      if (entry.strip().equalsIgnoreCase(host)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The authenticator for {@code domain} (an image reference's domain as docker normalises it,
   * {@code docker.io} for Docker Hub), talking to {@code endpoint}: credentials found the way
   * docker finds them (credHelpers, credsStore, auths; see {@link DockerCredentials}), a
   * repository-scoped key first, answering Basic and Bearer challenges.
   */
  private static Authenticator authenticatorFor(CliContext context, String domain, String repository,
      RegistryEndpoint endpoint, HttpClient http, boolean insecure) {
    DockerCredentials credentials = CredentialsCommand.credentials(context);
    try {
      return new ChallengeAuthenticator(endpoint, credentials.lookup(domain, repository), http).insecure(insecure);
    } catch (IOException e) {
      // a corrupt config.json or a failing helper: say which, in one line
      throw new UserError(e.getMessage());
    }
  }

  private ClientFactory() {}
}
