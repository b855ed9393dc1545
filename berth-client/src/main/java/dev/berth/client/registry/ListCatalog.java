package dev.berth.client.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/** {@code GET /v2/_catalog[?n=&last=]}: one page of the registry's repository names. */
record ListCatalog(URI uri, String registry) implements RegistryCall<NamePage> {
  @Override
  public String attempt() {
    return "list the repositories of " + registry;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public NamePage handle(HttpResponse<InputStream> response) throws IOException {
    return new NamePage(ListTags.strings(response, "repositories", attempt()), NamePage.nextLink(response));
  }
}
