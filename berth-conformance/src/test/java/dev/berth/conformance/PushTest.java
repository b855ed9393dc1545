package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticImage.Blob;
import dev.berth.testkit.SyntheticIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;

/**
 * Push: uploads (end-4a, end-4b, end-5, end-6, end-13, cancel), cross-repository mount (end-11)
 * and manifests (end-7), with the error codes for bad digests and missing blobs.
 */
@Tag("push")
class PushTest {

  @Check
  void end4a_end6_postThenPutUploadsMonolithically(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(2048);
    Response post = registry.request("POST", "/v2/" + repo + "/blobs/uploads/").send();
    assertThat(post.status()).as("%s", post).isEqualTo(202);
    assertThat(post.header("Location")).isPresent();
    assertThat(post.header("Docker-Upload-UUID")).isPresent();

    Response put = registry.request("PUT",
            Registry.withQuery(post.header("Location").get(), "digest", blob.digest()))
        .header("Content-Type", "application/octet-stream").body(blob.content()).send();
    assertThat(put.status()).as("%s", put).isEqualTo(201);
    assertThat(put.header("Location")).isPresent();
    assertThat(put.header("Docker-Content-Digest")).hasValue(blob.digest());
    assertPullable(registry, repo, blob, put.header("Location").get());
  }

  // Registries may finish in one request (201) or fall back to a session (202); both are spec.
  @Check
  void end4b_postWithDigestCompletesOrOpensASession(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(512);
    Response post = registry.request("POST",
            Registry.withQuery("/v2/" + repo + "/blobs/uploads/", "digest", blob.digest()))
        .header("Content-Type", "application/octet-stream").body(blob.content()).send();
    assertThat(post.status()).as("%s", post).isIn(201, 202);
    if (post.status() == 202) {
      Response put = registry.request("PUT",
              Registry.withQuery(post.header("Location").orElseThrow(), "digest", blob.digest()))
          .header("Content-Type", "application/octet-stream").body(blob.content()).send();
      assertThat(put.status()).as("%s", put).isEqualTo(201);
    }
    assertPullable(registry, repo, blob, null);
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end4b_postWithDigestCompletesInOneRequest(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(512);
    Response post = registry.request("POST",
            Registry.withQuery("/v2/" + repo + "/blobs/uploads/", "digest", blob.digest()))
        .header("Content-Type", "application/octet-stream").body(blob.content()).send();
    assertThat(post.status()).as("%s", post).isEqualTo(201);
    assertThat(post.header("Docker-Content-Digest")).hasValue(blob.digest());
    assertPullable(registry, repo, blob, post.header("Location").orElseThrow());
  }

  @Check
  void end5_chunksWithContentRangeThenClosingPut(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(3000);
    String location = registry.startUpload(repo);
    location = patch(registry, location, blob.content(), 0, 1000, true);
    location = patch(registry, location, blob.content(), 1000, 3000, true);
    Response put = registry.request("PUT", Registry.withQuery(location, "digest", blob.digest())).send();
    assertThat(put.status()).as("%s", put).isEqualTo(201);
    assertThat(put.header("Docker-Content-Digest")).hasValue(blob.digest());
    assertPullable(registry, repo, blob, null);
  }

  // docker streams a layer as one PATCH without Content-Range.
  @Check
  void end5_patchWithoutContentRangeIsStreamed(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(5000);
    String location = patch(registry, registry.startUpload(repo), blob.content(), 0, 5000, false);
    Response put = registry.request("PUT", Registry.withQuery(location, "digest", blob.digest())).send();
    assertThat(put.status()).as("%s", put).isEqualTo(201);
    assertPullable(registry, repo, blob, null);
  }

  @Check
  void end6_closingPutCarriesTheLastChunk(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(1500);
    String location = patch(registry, registry.startUpload(repo), blob.content(), 0, 1000, true);
    Response put = registry.request("PUT", Registry.withQuery(location, "digest", blob.digest()))
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", "1000-1499")
        .body(Arrays.copyOfRange(blob.content(), 1000, 1500)).send();
    assertThat(put.status()).as("%s", put).isEqualTo(201);
    assertPullable(registry, repo, blob, null);
  }

  // distribution 2.8 ignores Content-Range and appends the chunk.
  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end5_outOfOrderChunkIs416(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(300);
    String location = patch(registry, registry.startUpload(repo), blob.content(), 0, 100, true);
    Response skipped = registry.request("PATCH", location)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", "200-299")
        .body(Arrays.copyOfRange(blob.content(), 200, 300)).send();
    assertThat(skipped.status()).as("%s", skipped).isEqualTo(416);
  }

  @Check
  void end13_uploadStatusIs204WithRange(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(700);
    String location = patch(registry, registry.startUpload(repo), blob.content(), 0, 700, true);
    Response status = registry.get(location);
    assertThat(status.status()).as("%s", status).isEqualTo(204);
    assertThat(status.header("Range")).hasValue("0-699");
    assertThat(status.header("Location")).isPresent();
    assertThat(status.header("Docker-Upload-UUID")).isPresent();
  }

  @Check
  void end13_unknownUploadIs404(Registry registry) {
    String repo = registry.newRepository();
    registry.pushBlob(repo, Content.randomBlob(10));
    Response status = registry.get("/v2/" + repo + "/blobs/uploads/" + UUID.randomUUID());
    assertThat(status.status()).as("%s", status).isEqualTo(404);
  }

  // distribution 2.8 answers 404 with BLOB_UPLOAD_INVALID (it misses its own state parameter).
  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end13_unknownUploadNamesBlobUploadUnknown(Registry registry) {
    String repo = registry.newRepository();
    registry.pushBlob(repo, Content.randomBlob(10));
    Response status = registry.get("/v2/" + repo + "/blobs/uploads/" + UUID.randomUUID());
    assertThat(status.status()).as("%s", status).isEqualTo(404);
    assertThat(status.errorCodes()).containsExactly("BLOB_UPLOAD_UNKNOWN");
  }

  @Check
  void uploadCancelEndsTheSession(Registry registry) {
    String repo = registry.newRepository();
    String location = registry.startUpload(repo);
    Response cancel = registry.delete(location);
    assertThat(cancel.status()).as("%s", cancel).isEqualTo(204);
    Response status = registry.get(location);
    assertThat(status.status()).as("%s", status).isEqualTo(404);
    assertThat(status.errorCodes()).containsExactly("BLOB_UPLOAD_UNKNOWN");
  }

  // A session belongs to the repository that opened it: replayed elsewhere, it must not work.
  @Check
  void uploadSessionIsBoundToItsRepository(Registry registry) {
    String owner = registry.newRepository();
    String intruder = registry.newRepository();
    Blob blob = Content.randomBlob(100);
    String location = registry.resolve(registry.startUpload(owner)).toString();
    String replayed = location.replace("/v2/" + owner + "/", "/v2/" + intruder + "/");
    assertThat(replayed).isNotEqualTo(location);
    Response put = registry.request("PUT", Registry.withQuery(replayed, "digest", blob.digest()))
        .header("Content-Type", "application/octet-stream").body(blob.content()).send();
    assertThat(put.status()).as("%s", put).isIn(400, 404);
    assertThat(put.errorCodes()).containsAnyOf("BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_INVALID");
    assertThat(registry.head("/v2/" + intruder + "/blobs/" + blob.digest()).status()).isEqualTo(404);
  }

  @Check
  void end6_digestMismatchIsDigestInvalidAndStoresNothing(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(256);
    Blob claimed = Content.randomBlob(256);
    Response put = registry.request("PUT",
            Registry.withQuery(registry.startUpload(repo), "digest", claimed.digest()))
        .header("Content-Type", "application/octet-stream").body(blob.content()).send();
    assertThat(put.status()).as("%s", put).isEqualTo(400);
    assertThat(put.errorCodes()).containsExactly("DIGEST_INVALID");
    assertThat(registry.head("/v2/" + repo + "/blobs/" + claimed.digest()).status()).isEqualTo(404);
    assertThat(registry.head("/v2/" + repo + "/blobs/" + blob.digest()).status()).isEqualTo(404);
  }

  @Check
  void end11_mountFromAnotherRepository(Registry registry) {
    String from = registry.newRepository();
    String to = registry.newRepository();
    Blob blob = Content.randomBlob(900);
    registry.pushBlob(from, blob);
    Response mount = registry.request("POST", "/v2/" + to + "/blobs/uploads/?mount="
        + blob.digest() + "&from=" + from).send();
    assertThat(mount.status()).as("%s", mount).isEqualTo(201);
    assertThat(mount.header("Docker-Content-Digest")).hasValue(blob.digest());
    assertPullable(registry, to, blob, mount.header("Location").orElseThrow());
  }

  @Check
  void end11_mountOfAnUnknownBlobOpensAnUploadSession(Registry registry) {
    String from = registry.newRepository();
    String to = registry.newRepository();
    registry.pushBlob(from, Content.randomBlob(10));
    Blob missing = Content.randomBlob(10);
    Response mount = registry.request("POST", "/v2/" + to + "/blobs/uploads/?mount="
        + missing.digest() + "&from=" + from).send();
    assertThat(mount.status()).as("%s", mount).isEqualTo(202);
    assertThat(mount.header("Location")).isPresent();
  }

  @Check
  void end7_putManifestByTag(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    Response put = registry.putManifest(repo, "v1", SyntheticImage.OCI_MANIFEST, image.manifest().content());
    assertThat(put.status()).as("%s", put).isEqualTo(201);
    assertThat(put.header("Location")).isPresent();
    assertThat(put.header("Docker-Content-Digest")).hasValue(image.manifest().digest());
  }

  @Check
  void end7_putManifestByDigest(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    Response put = registry.putManifest(repo, image.manifest().digest(), SyntheticImage.OCI_MANIFEST,
        image.manifest().content());
    assertThat(put.status()).as("%s", put).isEqualTo(201);
    assertThat(put.header("Docker-Content-Digest")).hasValue(image.manifest().digest());
    Response get = registry.request("GET", "/v2/" + repo + "/manifests/" + image.manifest().digest())
        .header("Accept", SyntheticImage.OCI_MANIFEST).send();
    assertThat(get.body()).isEqualTo(image.manifest().content());
  }

  @Check
  void end7_manifestWithAMissingBlobIsManifestBlobUnknown(Registry registry) {
    String repo = registry.newRepository();
    Blob config = Content.randomBlob(100);
    Blob missingLayer = Content.randomBlob(100);
    registry.pushBlob(repo, config);
    Blob manifest = Content.manifest(config, List.of(missingLayer));
    Response put = registry.putManifest(repo, "v1", manifest.mediaType(), manifest.content());
    // 400, as the Docker Registry HTTP API V2 specifies and distribution answers (not 404).
    assertThat(put.status()).as("%s", put).isEqualTo(400);
    assertThat(put.errorCodes()).contains("MANIFEST_BLOB_UNKNOWN");
    assertThat(registry.head("/v2/" + repo + "/manifests/v1").status()).isEqualTo(404);
  }

  @Check
  void end7_indexOfPushedManifestsIsStoredByteExact(Registry registry) {
    String repo = registry.newRepository();
    SyntheticIndex multi = SyntheticIndex.of(
        SyntheticImage.builder().seed(Content.seed()).layerSizes(100).platform("linux", "amd64").build(),
        SyntheticImage.builder().seed(Content.seed()).layerSizes(100).platform("linux", "arm64").build());
    for (SyntheticImage image : multi.images()) {
      registry.pushImage(repo, image.manifest().digest(), image);
    }
    registry.pushManifest(repo, "multi", multi.index());
    Response get = registry.getManifest(repo, "multi");
    assertThat(get.status()).as("%s", get).isEqualTo(200);
    assertThat(get.header("Content-Type")).hasValue(SyntheticImage.OCI_INDEX);
    assertThat(get.body()).isEqualTo(multi.index().content());
  }

  @Check
  void end7_indexWithAMissingChildIsManifestBlobUnknown(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage present = Content.image();
    SyntheticImage absent = Content.image();
    registry.pushImage(repo, "present", present);
    SyntheticIndex multi = SyntheticIndex.of(present, absent);
    Response put = registry.putManifest(repo, "multi", SyntheticImage.OCI_INDEX, multi.index().content());
    assertThat(put.status()).as("%s", put).isEqualTo(400);
    assertThat(put.errorCodes()).contains("MANIFEST_BLOB_UNKNOWN");
  }

  @Check
  void end7_manifestDigestMismatchIsDigestInvalid(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    String wrong = Content.randomBlob(3).digest();
    Response put = registry.putManifest(repo, wrong, SyntheticImage.OCI_MANIFEST, image.manifest().content());
    assertThat(put.status()).as("%s", put).isEqualTo(400);
    assertThat(put.errorCodes()).contains("DIGEST_INVALID");
  }

  // A document whose declared media type contradicts the Content-Type it is pushed with.
  @Check
  void end7_mediaTypeContradictingContentTypeIsRefused(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    Response put = registry.putManifest(repo, "v1", SyntheticImage.DOCKER_MANIFEST,
        image.manifest().content());
    assertThat(put.status()).as("%s", put).isEqualTo(400);
    assertThat(put.errorCodes()).contains("MANIFEST_INVALID");
    assertThat(registry.head("/v2/" + repo + "/manifests/v1").status()).isEqualTo(404);
  }

  @Check
  void end7_invalidTagIsRefused(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    for (String tag : new String[] {"-leading-dash", "t".repeat(129)}) {
      Response put = registry.putManifest(repo, tag, SyntheticImage.OCI_MANIFEST, image.manifest().content());
      assertThat(put.status()).as("%s", put).isIn(400, 404);
    }
  }

  @Check
  void end7_invalidManifestIsManifestInvalid(Registry registry) {
    String repo = registry.newRepository();
    Response put = registry.putManifest(repo, "v1", SyntheticImage.OCI_MANIFEST,
        "{\"schemaVersion\": 2, \"config\": 7".getBytes());
    assertThat(put.status()).as("%s", put).isEqualTo(400);
    assertThat(put.errorCodes()).contains("MANIFEST_INVALID");
  }

  // The spec lets clients push referrers before their subject.
  @Check
  void end7_manifestWithAMissingSubjectIsAccepted(Registry registry) {
    String repo = registry.newRepository();
    Blob layer = Content.randomBlob(50);
    registry.pushBlob(repo, Content.EMPTY_CONFIG);
    registry.pushBlob(repo, layer);
    Blob absentSubject = Content.image().manifest();
    Blob artifact = Content.artifact("application/vnd.example.sbom", layer, absentSubject, "a");
    Response put = registry.putManifest(repo, artifact.digest(), artifact.mediaType(), artifact.content());
    assertThat(put.status()).as("%s", put).isEqualTo(201);
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end7_manifestWithSubjectAnswersOciSubject(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    registry.pushImage(repo, "v1", image);
    Blob layer = Content.randomBlob(50);
    registry.pushBlob(repo, Content.EMPTY_CONFIG);
    registry.pushBlob(repo, layer);
    Blob artifact = Content.artifact("application/vnd.example.sbom", layer, image.manifest(), "a");
    Response put = registry.putManifest(repo, artifact.digest(), artifact.mediaType(), artifact.content());
    assertThat(put.status()).as("%s", put).isEqualTo(201);
    assertThat(put.header("OCI-Subject")).hasValue(image.manifest().digest());
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end7_manifestOver4MiBIs413(Registry registry) {
    String repo = registry.newRepository();
    Blob config = Content.randomBlob(10);
    registry.pushBlob(repo, config);
    // Valid JSON, just too big: an annotation of 4 MiB.
    String padding = "x".repeat(4 * 1024 * 1024);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + SyntheticImage.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"" + SyntheticImage.OCI_CONFIG + "\",\"digest\":\""
        + config.digest() + "\",\"size\":10},\"layers\":[],\"annotations\":{\"pad\":\"" + padding
        + "\"}}").getBytes();
    Response put = registry.putManifest(repo, "big", SyntheticImage.OCI_MANIFEST, manifest);
    assertThat(put.status()).as("%s", put).isEqualTo(413);
  }

  @Check
  void end7_retaggingKeepsTheOldManifestByDigest(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage first = Content.image();
    SyntheticImage second = Content.image();
    registry.pushImage(repo, "v1", first);
    registry.pushImage(repo, "v1", second);
    Response tag = registry.getManifest(repo, "v1");
    assertThat(tag.header("Docker-Content-Digest")).hasValue(second.manifest().digest());
    Response old = registry.getManifest(repo, first.manifest().digest());
    assertThat(old.status()).as("%s", old).isEqualTo(200);
    assertThat(old.body()).isEqualTo(first.manifest().content());
  }

  // Two clients pushing the same layer at once is everyday life (parallel builds).
  @Check
  void concurrentPushesOfTheSameBlobAllSucceed(Registry registry) throws Exception {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(256 * 1024);
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      List<Future<?>> pushes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        pushes.add(pool.submit(() -> registry.pushBlob(repo, blob)));
      }
      for (Future<?> push : pushes) {
        push.get(60, TimeUnit.SECONDS);
      }
    }
    assertPullable(registry, repo, blob, null);
  }

  // Racing tag updates: the tag ends on one of the manifests, complete and readable.
  @Check
  void concurrentTagUpdatesLeaveOneCompleteManifest(Registry registry) throws Exception {
    String repo = registry.newRepository();
    List<SyntheticImage> images = List.of(Content.image(), Content.image(), Content.image(), Content.image());
    for (SyntheticImage image : images) {
      image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(images.size())) {
      List<Future<?>> pushes = new ArrayList<>();
      for (SyntheticImage image : images) {
        pushes.add(pool.submit(() -> registry.pushManifest(repo, "race", image.manifest())));
      }
      for (Future<?> push : pushes) {
        push.get(60, TimeUnit.SECONDS);
      }
    }
    Response tag = registry.getManifest(repo, "race");
    assertThat(tag.status()).as("%s", tag).isEqualTo(200);
    assertThat(images).extracting(image -> image.manifest().digest())
        .contains(SyntheticImage.sha256(tag.body()));
    assertThat(tag.header("Docker-Content-Digest")).hasValue(SyntheticImage.sha256(tag.body()));
  }

  /** PATCH [from, to) of {@code content}; returns the next location. */
  private static String patch(Registry registry, String location, byte[] content, int from, int to,
      boolean withRange) {
    Registry.Request request = registry.request("PATCH", location)
        .header("Content-Type", "application/octet-stream")
        .body(Arrays.copyOfRange(content, from, to));
    if (withRange) {
      request.header("Content-Range", from + "-" + (to - 1));
    }
    Response response = request.send();
    assertThat(response.status()).as("%s", response).isEqualTo(202);
    assertThat(response.header("Range")).as("%s", response).hasValue("0-" + (to - 1));
    return response.header("Location").orElseThrow(() -> new AssertionError("no Location: " + response));
  }

  private static void assertPullable(Registry registry, String repo, Blob blob, String location) {
    Response get = registry.get(location != null ? location : "/v2/" + repo + "/blobs/" + blob.digest());
    assertThat(get.status()).as("%s", get).isEqualTo(200);
    assertThat(get.body()).isEqualTo(blob.content());
  }
}
