package dev.berth.cli;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.auth.ChallengeAuthenticator;
import dev.berth.client.registry.CatalogClient;
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
 * registry, the {@link Authenticator}. HTTP clients come from
 * {@link TransportOptions#newHttpClient(String)}, so from {@link dev.berth.client.HttpClients}:
 * the registry's certs.d trust and client certificate (or {@code --insecure}), TLS set up only
 * for a connection that needs it (a loopback registry is plain HTTP), and shut down when the
 * command is done ({@link Berth#run}).
 */
final class ClientFactory {

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
    Connection c = connect(context, image.registryHost(), options);
    Authenticator auth = authenticatorFor(context, image.domain(), image.path(), c.endpoint(), c.http(), c.options().insecure());
    return new RegistryClient(c.http(), c.endpoint(), image.path(), auth, push, c.options());
  }

  /** A client for a registry's catalog ({@code berth search}), with the credentials docker would use for {@code host}. */
  static CatalogClient catalogClient(CliContext context, String host, TransportOptions options) {
    Connection c = connect(context, host, options);
    return new CatalogClient(c.http(), c.endpoint(),
        authenticatorFor(context, host, null, c.endpoint(), c.http(), c.options().insecure()), c.options());
  }

  /** How to reach one registry: its HTTP client, its endpoint (HTTPS or HTTP), and the options that hold for it. */
  record Connection(HttpClient http, RegistryEndpoint endpoint, TransportOptions options) {}

  /**
   * The way to {@code host} ({@code host:port} as references name it): the options made insecure
   * when {@code BERTH_INSECURE_REGISTRIES} lists it, an HTTP client with its certs.d trust, and
   * HTTPS or plain HTTP as {@link EndpointResolver} decides. Also for calls without credentials
   * ({@code berth version SERVER}).
   */
  static Connection connect(CliContext context, String host, TransportOptions options) {
    TransportOptions o = insecureRegistry(context, host) ? options.withInsecure(true) : options;
    HttpClient http;
    try {
      http = o.newHttpClient(host);
    } catch (TlsSetupException e) {
      throw new UserError(e.getMessage());
    }
    return new Connection(http, EndpointResolver.resolve(http, host, o), o);
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
   * repository-scoped key first (none for registry-wide calls), answering Basic and Bearer challenges.
   */
  private static Authenticator authenticatorFor(CliContext context, String domain, String repository,
      RegistryEndpoint endpoint, HttpClient http, boolean insecure) {
    DockerCredentials credentials = CredentialsCommand.credentials(context);
    try {
      return new ChallengeAuthenticator(endpoint,
          repository == null ? credentials.lookup(domain) : credentials.lookup(domain, repository), http).insecure(insecure);
    } catch (IOException e) {
      // a corrupt config.json or a failing helper: say which, in one line
      throw new UserError(e.getMessage());
    }
  }

  private ClientFactory() {}
}
