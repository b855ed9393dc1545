package dev.berth.server.http.handlers;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.storage.ManifestDocument;
import dev.berth.server.storage.StoredManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v2/<name>/referrers/<digest>?artifactType=} (end-12a/12b): an OCI index of the
 * manifests whose {@code subject} is the digest. A subject nobody refers to gets an empty index,
 * not a 404, as the spec asks.
 */
public final class Referrers implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    Digest subject = ex.digestParam();
    String filter = ex.request().getParam("artifactType");
    ex.blocking(() -> {
      List<Map<String, Object>> descriptors = new ArrayList<>();
      for (Digest d : ex.storage().manifests().referrers(repository, subject)) {
        StoredManifest m = ex.storage().manifests().get(repository, d.toString());
        ManifestDocument doc = ManifestDocument.stored(m.content());
        if (filter != null && !filter.equals(doc.artifactType())) {
          continue;
        }
        Map<String, Object> desc = new LinkedHashMap<>();
        desc.put("mediaType", m.mediaType());
        desc.put("digest", d.toString());
        desc.put("size", m.content().length);
        if (doc.artifactType() != null) {
          desc.put("artifactType", doc.artifactType());
        }
        if (doc.annotations() != null) {
          desc.put("annotations", doc.annotations());
        }
        descriptors.add(desc);
      }
      Map<String, Object> index = new LinkedHashMap<>();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      index.put("manifests", descriptors);
      return JSON.std.asString(index);
    }).onSuccess(json -> {
      if (filter != null) {
        ex.response().putHeader("OCI-Filters-Applied", "artifactType");
      }
      ex.response().putHeader("Content-Type", MediaTypes.OCI_INDEX).end(json);
    }).onFailure(ex::fail);
  }
}
