package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticImage.Blob;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A raw HTTP view of one target for one check: requests are built by hand (the point is to see
 * exactly what the registry answers), with HTTP Basic credentials sent up front. Also the few
 * push steps most checks need as setup.
 */
final class Registry {

  private final Target target;
  private final HttpClient http;
  private final String check;

  Registry(Target target, HttpClient http, String check) {
    this.target = target;
    this.http = http;
    this.check = check;
  }

  Target target() {
    return target;
  }

  /** The same check against another target (e.g. the target with deletion off). */
  Registry on(Target other) {
    return new Registry(other, http, check);
  }

  /** A fresh repository name for this check: {@code <namespace>/<check>-<random>}. */
  String newRepository() {
    String base = check.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    if (base.length() > 40) {
      base = base.substring(0, 40).replaceAll("-$", "");
    }
    return target.namespace() + "/" + base + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }

  Request request(String method, String pathOrLocation) {
    return new Request(method, resolve(pathOrLocation));
  }

  Response get(String path) {
    return request("GET", path).send();
  }

  /**
   * GET of a manifest, accepting every manifest type: without {@code Accept}, distribution 2.8
   * answers 404 for OCI manifests it cannot convert to schema 1.
   */
  Response getManifest(String repo, String reference) {
    return request("GET", "/v2/" + repo + "/manifests/" + reference).header("Accept", ACCEPT_ALL).send();
  }

  static final String ACCEPT_ALL = String.join(", ", SyntheticImage.OCI_MANIFEST,
      SyntheticImage.OCI_INDEX, SyntheticImage.DOCKER_MANIFEST,
      "application/vnd.docker.distribution.manifest.list.v2+json");

  Response head(String path) {
    return request("HEAD", path).send();
  }

  Response delete(String path) {
    return request("DELETE", path).send();
  }

  /** Resolves a path or a (possibly relative) {@code Location} against the target. */
  URI resolve(String pathOrLocation) {
    return target.baseUri().resolve(pathOrLocation);
  }

  /** Appends {@code key=value} to a location that may already carry a query. */
  static String withQuery(String location, String key, String value) {
    return location + (location.contains("?") ? "&" : "?") + key + "="
        + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  // --- setup steps, asserted so a broken step names itself ---

  /** POST /v2/<name>/blobs/uploads/ → the upload location. */
  String startUpload(String repo) {
    Response started = request("POST", "/v2/" + repo + "/blobs/uploads/").send();
    assertThat(started.status()).as("start upload: %s", started).isEqualTo(202);
    return started.header("Location").orElseThrow(() -> new AssertionError("no Location: " + started));
  }

  /** POST, then PUT ?digest= with the whole blob: the monolithic push every client can do. */
  void pushBlob(String repo, Blob blob) {
    String location = startUpload(repo);
    Response put = request("PUT", withQuery(location, "digest", blob.digest()))
        .header("Content-Type", "application/octet-stream").body(blob.content()).send();
    assertThat(put.status()).as("push blob %s: %s", blob.digest(), put).isEqualTo(201);
  }

  Response putManifest(String repo, String reference, String mediaType, byte[] content) {
    return request("PUT", "/v2/" + repo + "/manifests/" + reference)
        .header("Content-Type", mediaType).body(content).send();
  }

  void pushManifest(String repo, String reference, Blob manifest) {
    Response put = putManifest(repo, reference, manifest.mediaType(), manifest.content());
    assertThat(put.status()).as("push manifest %s: %s", reference, put).isEqualTo(201);
  }

  /** Pushes every blob of {@code image}, then its OCI manifest under {@code tag}. */
  void pushImage(String repo, String tag, SyntheticImage image) {
    image.blobs().forEach(blob -> pushBlob(repo, blob));
    pushManifest(repo, tag, image.manifest());
  }

  /** One request being built. */
  final class Request {
    private final String method;
    private final URI uri;
    private final List<String> headers = new ArrayList<>();
    private byte[] body;
    private boolean anonymous;

    private Request(String method, URI uri) {
      this.method = method;
      this.uri = uri;
    }

    Request header(String name, String value) {
      headers.add(name);
      headers.add(value);
      return this;
    }

    Request body(byte[] content) {
      this.body = content;
      return this;
    }

    /** Sends no Authorization header. */
    Request anonymous() {
      this.anonymous = true;
      return this;
    }

    /** Sends these credentials instead of the target's. */
    Request credentials(String user, String password) {
      return header("Authorization", basic(user, password)).anonymous();
    }

    Response send() {
      HttpRequest.BodyPublisher publisher = body == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(body);
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .method(method, publisher);
      if (!anonymous && target.user() != null) {
        builder.header("Authorization", basic(target.user(), target.password()));
      }
      for (int i = 0; i < headers.size(); i += 2) {
        builder.header(headers.get(i), headers.get(i + 1));
      }
      try {
        HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(method, uri.toString(), response.statusCode(), response.headers(),
            response.body());
      } catch (IOException e) {
        throw new AssertionError(method + " " + uri + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted: " + method + " " + uri, e);
      }
    }
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
