package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticImage.Blob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/** Content discovery: tags list (end-8a/b) with pagination, referrers (end-12a/b), catalog. */
@Tag("discovery")
class ContentDiscoveryTest {

  private static final List<String> TAGS = List.of("alpha", "beta", "delta", "epsilon", "gamma");

  // distribution 2.8 lists tags in directory order and ignores n and last.
  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end8a_tagsListIsSortedAndNamesTheRepository(Registry registry) {
    String repo = tagged(registry);
    Response response = registry.get("/v2/" + repo + "/tags/list");
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    Map<String, Object> body = response.json();
    assertThat(body.get("name")).isEqualTo(repo);
    assertThat(body.get("tags")).isEqualTo(TAGS);
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end8b_firstPageOfNHasALinkToTheNext(Registry registry) {
    String repo = tagged(registry);
    Response response = registry.get("/v2/" + repo + "/tags/list?n=2");
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().get("tags")).isEqualTo(TAGS.subList(0, 2));
    assertThat(response.header("Link")).hasValueSatisfying(link -> assertThat(link)
        .contains("rel=\"next\"").contains("n=2").contains("last=beta"));
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end8b_lastStartsAfterTheNamedTag(Registry registry) {
    String repo = tagged(registry);
    Response response = registry.get("/v2/" + repo + "/tags/list?n=2&last=beta");
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().get("tags")).isEqualTo(TAGS.subList(2, 4));
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end8b_followingLinksVisitsEveryTagOnce(Registry registry) {
    String repo = tagged(registry);
    List<String> seen = new java.util.ArrayList<>();
    String next = "/v2/" + repo + "/tags/list?n=2";
    for (int page = 0; next != null && page < 10; page++) {
      Response response = registry.get(next);
      assertThat(response.status()).as("%s", response).isEqualTo(200);
      @SuppressWarnings("unchecked")
      List<String> tags = (List<String>) response.json().get("tags");
      seen.addAll(tags);
      next = response.header("Link").map(ContentDiscoveryTest::linkTarget).orElse(null);
    }
    assertThat(seen).isEqualTo(TAGS);
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end8b_nZeroIsAnEmptyListWithoutLink(Registry registry) {
    String repo = tagged(registry);
    Response response = registry.get("/v2/" + repo + "/tags/list?n=0");
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat((List<?>) response.json().get("tags")).isNullOrEmpty();
    assertThat(response.header("Link")).isEmpty();
  }

  // An absurd page size must be refused, not allocated.
  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end8b_absurdNIsRefused(Registry registry) {
    String repo = tagged(registry);
    Response response = registry.get("/v2/" + repo + "/tags/list?n=2147483647000");
    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.errorCodes()).contains("PAGINATION_NUMBER_INVALID");
  }

  @Check
  void end8a_tagsListNamesEveryTag(Registry registry) {
    String repo = tagged(registry);
    Response response = registry.get("/v2/" + repo + "/tags/list");
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().get("name")).isEqualTo(repo);
    @SuppressWarnings("unchecked")
    List<String> tags = (List<String>) response.json().get("tags");
    assertThat(tags).containsExactlyInAnyOrderElementsOf(TAGS);
  }

  @Check
  void end8a_unknownRepositoryIs404NameUnknown(Registry registry) {
    Response response = registry.get("/v2/" + registry.newRepository() + "/tags/list");
    assertThat(response.status()).as("%s", response).isEqualTo(404);
    assertThat(response.errorCodes()).containsExactly("NAME_UNKNOWN");
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end12a_referrersListTheManifestsThatReferToASubject(Registry registry) {
    String repo = registry.newRepository();
    Referrers referrers = Referrers.push(registry, repo);
    Response response = registry.get("/v2/" + repo + "/referrers/" + referrers.subject.digest());
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValue(SyntheticImage.OCI_INDEX);
    List<Map<String, Object>> manifests = manifests(response);
    assertThat(manifests).extracting(m -> m.get("digest"))
        .containsExactlyInAnyOrder(referrers.sbom.digest(), referrers.signature.digest());
    Map<String, Object> sbom = manifests.stream()
        .filter(m -> m.get("digest").equals(referrers.sbom.digest())).findFirst().orElseThrow();
    assertThat(sbom.get("artifactType")).isEqualTo(Referrers.SBOM);
    assertThat(sbom.get("mediaType")).isEqualTo(SyntheticImage.OCI_MANIFEST);
    assertThat(((Number) sbom.get("size")).longValue()).isEqualTo(referrers.sbom.size());
    assertThat(sbom.get("annotations")).isEqualTo(Map.of("org.example.note", "sbom"));
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end12b_referrersFilteredByArtifactType(Registry registry) {
    String repo = registry.newRepository();
    Referrers referrers = Referrers.push(registry, repo);
    Response response = registry.get("/v2/" + repo + "/referrers/" + referrers.subject.digest()
        + "?artifactType=" + Referrers.SIGNATURE);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.header("OCI-Filters-Applied")).hasValue("artifactType");
    assertThat(manifests(response)).extracting(m -> m.get("digest"))
        .containsExactly(referrers.signature.digest());
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end12a_referrersOfAManifestWithoutReferrersIsAnEmptyIndex(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    registry.pushImage(repo, "v1", image);
    Response response = registry.get("/v2/" + repo + "/referrers/" + image.manifest().digest());
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().get("schemaVersion")).isEqualTo(2);
    assertThat(manifests(response)).isEmpty();
  }

  @Check
  @Tag(Conformance.BEYOND_DISTRIBUTION)
  void end12a_referrersOfAnInvalidDigestIs400(Registry registry) {
    String repo = registry.newRepository();
    registry.pushImage(repo, "v1", Content.image());
    Response response = registry.get("/v2/" + repo + "/referrers/sha256:not-a-digest");
    assertThat(response.status()).as("%s", response).isEqualTo(400);
  }

  @Check
  @Tag("catalog")
  void catalogListsRepositoriesWithPagination(Registry registry) {
    String first = registry.newRepository();
    String second = registry.newRepository();
    registry.pushImage(first, "v1", Content.image());
    registry.pushImage(second, "v1", Content.image());
    List<String> seen = new java.util.ArrayList<>();
    String next = "/v2/_catalog?n=3";
    for (int page = 0; next != null && page < 1000; page++) {
      Response response = registry.get(next);
      assertThat(response.status()).as("%s", response).isEqualTo(200);
      @SuppressWarnings("unchecked")
      List<String> repositories = (List<String>) response.json().get("repositories");
      assertThat(repositories.size()).isLessThanOrEqualTo(3);
      seen.addAll(repositories);
      next = response.header("Link").map(ContentDiscoveryTest::linkTarget).orElse(null);
    }
    assertThat(seen).contains(first, second).doesNotHaveDuplicates().isSorted();
  }

  @Check
  @Tag("catalog")
  void catalogAbsurdNIsRefused(Registry registry) {
    Response response = registry.get("/v2/_catalog?n=2147483647000");
    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.errorCodes()).contains("PAGINATION_NUMBER_INVALID");
  }

  private static String tagged(Registry registry) {
    String repo = registry.newRepository();
    SyntheticImage image = Content.image();
    image.blobs().forEach(blob -> registry.pushBlob(repo, blob));
    // Pushed out of order: the registry sorts.
    for (String tag : List.of("gamma", "alpha", "epsilon", "beta", "delta")) {
      registry.pushManifest(repo, tag, image.manifest());
    }
    return repo;
  }

  /** {@code <url>; rel="next"} → url. */
  static String linkTarget(String link) {
    int open = link.indexOf('<');
    int close = link.indexOf('>');
    assertThat(open).as("Link header %s", link).isGreaterThanOrEqualTo(0);
    assertThat(link).contains("rel=\"next\"");
    return link.substring(open + 1, close);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> manifests(Response response) {
    Object manifests = response.json().get("manifests");
    return manifests == null ? List.of() : (List<Map<String, Object>>) manifests;
  }

  /** An image and two artifacts referring to it: an SBOM and a signature. */
  private record Referrers(Blob subject, Blob sbom, Blob signature) {
    static final String SBOM = "application/vnd.example.sbom.v1";
    static final String SIGNATURE = "application/vnd.example.signature.v1";

    static Referrers push(Registry registry, String repo) {
      SyntheticImage image = Content.image();
      registry.pushImage(repo, "v1", image);
      Blob sbomLayer = Content.randomBlob(40);
      Blob signatureLayer = Content.randomBlob(40);
      registry.pushBlob(repo, Content.EMPTY_CONFIG);
      registry.pushBlob(repo, sbomLayer);
      registry.pushBlob(repo, signatureLayer);
      Blob sbom = Content.artifact(SBOM, sbomLayer, image.manifest(), "sbom");
      Blob signature = Content.artifact(SIGNATURE, signatureLayer, image.manifest(), "signature");
      registry.pushManifest(repo, sbom.digest(), sbom);
      registry.pushManifest(repo, signature.digest(), signature);
      return new Referrers(image.manifest(), sbom, signature);
    }
  }
}
