package dev.berth.server.http;

import static dev.berth.server.http.Route.NAME;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.HEAD;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import dev.berth.server.http.handlers.CancelUpload;
import dev.berth.server.http.handlers.Catalog;
import dev.berth.server.http.handlers.DeleteBlob;
import dev.berth.server.http.handlers.DeleteManifest;
import dev.berth.server.http.handlers.GetBlob;
import dev.berth.server.http.handlers.GetManifest;
import dev.berth.server.http.handlers.GetUploadStatus;
import dev.berth.server.http.handlers.ListTags;
import dev.berth.server.http.handlers.PatchBlobData;
import dev.berth.server.http.handlers.Ping;
import dev.berth.server.http.handlers.PutBlobUploadComplete;
import dev.berth.server.http.handlers.PutManifest;
import dev.berth.server.http.handlers.Referrers;
import dev.berth.server.http.handlers.StartBlobUpload;
import dev.berth.server.http.handlers.Unsupported;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OCI distribution API (end-1 … end-13 plus upload cancel and the catalog), in the order they
 * are tried. With deletion off the DELETE routes answer UNSUPPORTED, nothing else changes.
 */
final class Routes {
  private static final String UUID = "(?<uuid>[^/]+)";
  private static final String DIGEST = "(?<digest>[^/]+)";
  private static final String REFERENCE = "(?<reference>[^/]+)";

  private Routes() {}

  static List<Route> table(boolean deleteEnabled) {
    RegistryHandler deleteManifest = deleteEnabled ? new DeleteManifest() : new Unsupported("deletion is disabled");
    RegistryHandler deleteBlob = deleteEnabled ? new DeleteBlob() : new Unsupported("deletion is disabled");
    return List.of(
        Route.of(Set.of(GET, HEAD), "/v2/?", new Ping()),
        new Route(Set.of(GET), Pattern.compile("/v2/_catalog"), new Catalog(), true),
        Route.of(GET, NAME + "/tags/list", new ListTags()),
        Route.of(Set.of(GET, HEAD), NAME + "/manifests/" + REFERENCE, new GetManifest()),
        Route.of(PUT, NAME + "/manifests/" + REFERENCE, new PutManifest()),
        Route.of(DELETE, NAME + "/manifests/" + REFERENCE, deleteManifest),
        Route.of(POST, NAME + "/blobs/uploads/?", new StartBlobUpload()),
        Route.of(GET, NAME + "/blobs/uploads/" + UUID, new GetUploadStatus()),
        Route.of(PATCH, NAME + "/blobs/uploads/" + UUID, new PatchBlobData()),
        Route.of(PUT, NAME + "/blobs/uploads/" + UUID, new PutBlobUploadComplete()),
        Route.of(DELETE, NAME + "/blobs/uploads/" + UUID, new CancelUpload()),
        Route.of(Set.of(GET, HEAD), NAME + "/blobs/" + DIGEST, new GetBlob()),
        Route.of(DELETE, NAME + "/blobs/" + DIGEST, deleteBlob),
        Route.of(GET, NAME + "/referrers/" + DIGEST, new Referrers()));
  }
}
