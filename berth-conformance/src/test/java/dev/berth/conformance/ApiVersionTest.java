package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Tag;

/** end-1: the version check, and how it answers without (or with wrong) credentials. */
@Tag("pull")
class ApiVersionTest {

  @Check
  void end1_versionCheckAnswers200(Registry registry) {
    Response response = registry.get("/v2/");
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
  }

  @Check
  void end1_withoutCredentialsAnswers401WithBasicChallenge(Registry registry) {
    assumeTrue(registry.target().user() != null, "the target needs no credentials");
    Response response = registry.request("GET", "/v2/").anonymous().send();
    assertThat(response.status()).as("%s", response).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).hasValueSatisfying(
        challenge -> assertThat(challenge).startsWith("Basic realm="));
    assertThat(response.errorCodes()).containsExactly("UNAUTHORIZED");
    assertThat(response.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
  }

  @Check
  void end1_wrongPasswordAnswers401(Registry registry) {
    assumeTrue(registry.target().user() != null, "the target needs no credentials");
    Response response = registry.request("GET", "/v2/")
        .credentials(registry.target().user(), registry.target().password() + "-wrong").send();
    assertThat(response.status()).as("%s", response).isEqualTo(401);
    assertThat(response.errorCodes()).containsExactly("UNAUTHORIZED");
  }

  @Check
  void unauthenticatedRepositoryRequestsAnswer401(Registry registry) {
    assumeTrue(registry.target().user() != null, "the target needs no credentials");
    String repo = registry.newRepository();
    Response post = registry.request("POST", "/v2/" + repo + "/blobs/uploads/").anonymous().send();
    assertThat(post.status()).as("%s", post).isEqualTo(401);
    Response tags = registry.request("GET", "/v2/" + repo + "/tags/list").anonymous().send();
    assertThat(tags.status()).as("%s", tags).isEqualTo(401);
    Response catalog = registry.request("GET", "/v2/_catalog").anonymous().send();
    assertThat(catalog.status()).as("%s", catalog).isEqualTo(401);
  }
}
