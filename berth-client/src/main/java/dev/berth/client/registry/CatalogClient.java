package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry-wide call {@code berth search} needs: the repository catalog, asked for with the
 * scope {@code registry:catalog:*}, page by page.
 */
public final class CatalogClient {
  private static final int PAGE = 100;
  /** Registries cap their catalogs; so do we, against a server that never stops paging. */
  private static final int MAX_PAGES = 1000;

  private final RegistryTransport transport;
  private final RegistryEndpoint endpoint;

  public CatalogClient(HttpClient http, RegistryEndpoint endpoint, Authenticator authenticator, TransportOptions options) {
    this.endpoint = endpoint;
    this.transport = new RegistryTransport(http, endpoint, authenticator, "registry:catalog:*", options);
  }

  /** Every repository name, in the registry's order. */
  public List<String> repositories() throws IOException {
    List<String> names = new ArrayList<>();
    URI next = endpoint.v2("_catalog?n=" + PAGE);
    for (int page = 0; next != null && page < MAX_PAGES; page++) {
      NamePage p = transport.call(new ListCatalog(next, endpoint.host()));
      names.addAll(p.names());
      next = p.next();
    }
    return names;
  }
}
