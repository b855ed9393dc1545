package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticImage.Blob;
import java.util.Optional;
import org.junit.jupiter.api.Tag;

/** Content management: deleting manifests and tags (end-9) and blobs (end-10). */
@Tag("management")
class ContentManagementTest {

  @Check
  void end9_deleteManifestByDigestRemovesItAndItsTags(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    registry.pushImage(repo, "v1", image);
    Response delete = registry.delete("/v2/" + repo + "/manifests/" + image.manifest().digest());
    assertThat(delete.status()).as("%s", delete).isEqualTo(202);
    Response byDigest = registry.getManifest(repo, image.manifest().digest());
    assertThat(byDigest.status()).as("%s", byDigest).isEqualTo(404);
    assertThat(byDigest.errorCodes()).containsExactly("MANIFEST_UNKNOWN");
    Response byTag = registry.getManifest(repo, "v1");
    assertThat(byTag.status()).as("%s", byTag).isEqualTo(404);
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end9_deleteTagKeepsTheManifest(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    registry.pushImage(repo, "v1", image);
    registry.pushManifest(repo, "v2", image.manifest());
    Response delete = registry.delete("/v2/" + repo + "/manifests/v1");
    assertThat(delete.status()).as("%s", delete).isEqualTo(202);
    assertThat(registry.getManifest(repo, "v1").status()).isEqualTo(404);
    assertThat(registry.getManifest(repo, "v2").status()).isEqualTo(200);
    assertThat(registry.getManifest(repo, image.manifest().digest()).status())
        .isEqualTo(200);
  }

  @Check
  void end9_deleteUnknownManifestIs404(Registry registry) {
    String repo = registry.newRepository();
    registry.pushImage(repo, "v1", Content.image());
    Response delete = registry.delete("/v2/" + repo + "/manifests/" + Content.randomBlob(4).digest());
    assertThat(delete.status()).as("%s", delete).isEqualTo(404);
    assertThat(delete.errorCodes()).containsExactly("MANIFEST_UNKNOWN");
  }

  @Check
  void end10_deleteBlob(Registry registry) {
    String repo = registry.newRepository();
    Blob blob = Content.randomBlob(333);
    registry.pushBlob(repo, blob);
    Response delete = registry.delete("/v2/" + repo + "/blobs/" + blob.digest());
    assertThat(delete.status()).as("%s", delete).isEqualTo(202);
    Response head = registry.head("/v2/" + repo + "/blobs/" + blob.digest());
    assertThat(head.status()).as("%s", head).isEqualTo(404);
    Response get = registry.get("/v2/" + repo + "/blobs/" + blob.digest());
    assertThat(get.errorCodes()).containsExactly("BLOB_UNKNOWN");
  }

  @Check
  void end10_deleteUnknownBlobIs404BlobUnknown(Registry registry) {
    String repo = registry.newRepository();
    registry.pushBlob(repo, Content.randomBlob(5));
    Response delete = registry.delete("/v2/" + repo + "/blobs/" + Content.randomBlob(5).digest());
    assertThat(delete.status()).as("%s", delete).isEqualTo(404);
    assertThat(delete.errorCodes()).containsExactly("BLOB_UNKNOWN");
  }

  // Registries may switch deletion off; then DELETE answers 405 (or 400) and removes nothing.
  @Check
  void end9_end10_deletionSwitchedOffAnswers405AndKeepsContent(Registry registry) {
    Optional<Target> readOnly = registry.target().withDeletionDisabled();
    assumeTrue(readOnly.isPresent(), registry.target().name() + " cannot start a no-delete variant");
    try (Target target = readOnly.get()) {
      Registry noDelete = registry.on(target);
      String repo = noDelete.newRepository();
      SyntheticImage image = Content.image();
      noDelete.pushImage(repo, "v1", image);
      Blob layer = image.layers().get(0);
      Response manifest = noDelete.delete("/v2/" + repo + "/manifests/" + image.manifest().digest());
      assertThat(manifest.status()).as("%s", manifest).isIn(400, 405);
      Response blob = noDelete.delete("/v2/" + repo + "/blobs/" + layer.digest());
      assertThat(blob.status()).as("%s", blob).isIn(400, 405);
      assertThat(noDelete.getManifest(repo, "v1").status()).isEqualTo(200);
      assertThat(noDelete.head("/v2/" + repo + "/blobs/" + layer.digest()).status()).isEqualTo(200);
    }
  }
}
