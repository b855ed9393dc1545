package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticImage.Blob;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;

/** Pull: end-2 (blobs) and end-3 (manifests), GET and HEAD, by tag and by digest, and the 404s. */
@Tag("pull")
class PullTest {

  private static final String ACCEPT_ALL = Registry.ACCEPT_ALL;

  @Check
  void end2_getBlobReturnsItsBytesAndDigest(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(1000);
    registry.pushBlob(repo, blob);
    Response response = registry.get("/v2/" + repo + "/blobs/" + blob.digest());
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.body()).isEqualTo(blob.content());
    assertThat(response.header("Docker-Content-Digest")).hasValue(blob.digest());
  }

  @Check
  void end2_headBlobReturnsSizeAndDigestWithoutBody(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(777);
    registry.pushBlob(repo, blob);
    Response response = registry.head("/v2/" + repo + "/blobs/" + blob.digest());
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.header("Content-Length")).hasValue("777");
    assertThat(response.header("Docker-Content-Digest")).hasValue(blob.digest());
    assertThat(response.body()).isEmpty();
  }

  @Check
  void end2_unknownBlobIs404BlobUnknown(Registry registry) {
    String repo = registry.newRepository();
    registry.pushBlob(repo, Content.randomBlob(10));
    String unknown = Content.randomBlob(10).digest();
    Response get = registry.get("/v2/" + repo + "/blobs/" + unknown);
    assertThat(get.status()).as("%s", get).isEqualTo(404);
    assertThat(get.errorCodes()).containsExactly("BLOB_UNKNOWN");
    Response head = registry.head("/v2/" + repo + "/blobs/" + unknown);
    assertThat(head.status()).as("%s", head).isEqualTo(404);
  }

  @Check
  void end2_malformedDigestIs400DigestInvalid(Registry registry) {
    String repo = registry.newRepository();
    registry.pushBlob(repo, Content.randomBlob(10));
    Response response = registry.get("/v2/" + repo + "/blobs/sha256:abc123");
    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.errorCodes()).contains("DIGEST_INVALID");
  }

  @Check
  void end2_rangeRequestReturns206WithThePart(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(4096);
    registry.pushBlob(repo, blob);
    Response response = registry.request("GET", "/v2/" + repo + "/blobs/" + blob.digest())
        .header("Range", "bytes=100-199").send();
    assertThat(response.status()).as("%s", response).isEqualTo(206);
    assertThat(response.header("Content-Range")).hasValue("bytes 100-199/4096");
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 100, 200));
  }

  // A repository serves only the blobs linked into it, even if another repository holds them.
  @Check
  void end2_blobOfAnotherRepositoryIsNotServed(Registry registry) {
    String holder = registry.newRepository();
    String other = registry.newRepository();
    Blob blob = Content.randomBlob(64);
    registry.pushBlob(holder, blob);
    registry.pushBlob(other, Content.randomBlob(8));
    Response response = registry.get("/v2/" + other + "/blobs/" + blob.digest());
    assertThat(response.status()).as("%s", response).isEqualTo(404);
    assertThat(response.errorCodes()).containsExactly("BLOB_UNKNOWN");
  }

  @Check
  void end3_getManifestByTagReturnsTheExactBytes(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    registry.pushImage(repo, "v1", image);
    Response response = registry.request("GET", "/v2/" + repo + "/manifests/v1")
        .header("Accept", ACCEPT_ALL).send();
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.body()).isEqualTo(image.manifest().content());
    assertThat(response.header("Content-Type")).hasValue(SyntheticImage.OCI_MANIFEST);
    assertThat(response.header("Docker-Content-Digest")).hasValue(image.manifest().digest());
  }

  @Check
  void end3_getManifestByDigest(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    registry.pushImage(repo, "v1", image);
    Response response = registry.request("GET", "/v2/" + repo + "/manifests/" + image.manifest().digest())
        .header("Accept", ACCEPT_ALL).send();
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.body()).isEqualTo(image.manifest().content());
    assertThat(response.header("Docker-Content-Digest")).hasValue(image.manifest().digest());
  }

  @Check
  void end3_headManifestByTagAndDigest(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    registry.pushImage(repo, "v1", image);
    for (String reference : new String[] {"v1", image.manifest().digest()}) {
      Response response = registry.request("HEAD", "/v2/" + repo + "/manifests/" + reference)
          .header("Accept", ACCEPT_ALL).send();
      assertThat(response.status()).as("%s", response).isEqualTo(200);
      assertThat(response.header("Docker-Content-Digest")).hasValue(image.manifest().digest());
      assertThat(response.header("Content-Length"))
          .hasValue(Long.toString(image.manifest().size()));
      assertThat(response.body()).isEmpty();
    }
  }

  @Check
  void end3_dockerSchema2ManifestKeepsItsMediaType(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    registry.pushManifest(repo, "docker", image.dockerManifest());
    Response response = registry.request("GET", "/v2/" + repo + "/manifests/docker")
        .header("Accept", ACCEPT_ALL).send();
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValue(SyntheticImage.DOCKER_MANIFEST);
    assertThat(response.body()).isEqualTo(image.dockerManifest().content());
  }

  @Check
  void end3_unknownTagAndDigestAre404ManifestUnknown(Registry registry) {
    String repo = registry.newRepository();
    registry.pushImage(repo, "v1", Content.image());
    for (String reference : new String[] {"no-such-tag", Content.randomBlob(5).digest()}) {
      Response get = registry.request("GET", "/v2/" + repo + "/manifests/" + reference)
          .header("Accept", ACCEPT_ALL).send();
      assertThat(get.status()).as("%s", get).isEqualTo(404);
      assertThat(get.errorCodes()).containsExactly("MANIFEST_UNKNOWN");
      Response head = registry.head("/v2/" + repo + "/manifests/" + reference);
      assertThat(head.status()).as("%s", head).isEqualTo(404);
    }
  }

  // The OCI conformance suite asks for .INVALID_MANIFEST_NAME and expects 404: a reference that
  // is neither a tag nor a digest names no manifest. (A PUT of one stays 400.) distribution's
  // router answers a bare 404 there; an error body, if any, must say MANIFEST_UNKNOWN.
  @Check
  void end3_referenceNeitherTagNorDigestIs404(Registry registry) {
    String repo = registry.newRepository();
    registry.pushImage(repo, "v1", Content.image());
    Response get = registry.request("GET", "/v2/" + repo + "/manifests/.INVALID_MANIFEST_NAME")
        .header("Accept", ACCEPT_ALL).send();
    assertThat(get.status()).as("%s", get).isEqualTo(404);
    if (!get.errorCodes().isEmpty()) {
      assertThat(get.errorCodes()).containsExactly("MANIFEST_UNKNOWN");
    }
    Response head = registry.head("/v2/" + repo + "/manifests/.INVALID_MANIFEST_NAME");
    assertThat(head.status()).as("%s", head).isEqualTo(404);
  }

  // Names follow the spec's grammar before they reach storage: no upper case, no dot segments.
  // A 2xx here would mean a path outside the repository was looked at.
  @Check
  void invalidRepositoryNamesAreRejected(Registry registry) {
    String namespace = registry.target().namespace();
    for (String path : new String[] {
        "/v2/" + namespace + "/UPPER/tags/list",
        "/v2/" + namespace + "/%2e%2e/%2e%2e/etc/tags/list",
        "/v2/" + namespace + "/a/../../b/tags/list",
        "/v2/" + namespace + "/-dash/manifests/latest"}) {
      Response response = registry.get(path);
      // distribution answers dot segments with a redirect to the cleaned path (not followed here).
      assertThat(response.status()).as("%s", response).isIn(301, 400, 404);
      if (response.status() == 301) {
        assertThat(response.header("Location")).hasValueSatisfying(
            location -> assertThat(location).doesNotContain("..").doesNotContain("%2e"));
      }
    }
  }

  @Check
  void end3_unknownRepositoryIs404(Registry registry) {
    String repo = registry.newRepository();
    Response get = registry.get("/v2/" + repo + "/manifests/latest");
    assertThat(get.status()).as("%s", get).isEqualTo(404);
    assertThat(get.errorCodes()).containsAnyOf("NAME_UNKNOWN", "MANIFEST_UNKNOWN");
  }
}
