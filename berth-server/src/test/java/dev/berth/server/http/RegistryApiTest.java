package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.auth.AuthSettings;
import dev.berth.testkit.AccessRulesFile;
import dev.berth.testkit.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry API over a real socket, driven by the JDK's HTTP client. */
class RegistryApiTest {
  @TempDir static Path storage;
  static RegistryServer server;
  static String base;
  static String auth;
  static final ByteArrayOutputStream output = new ByteArrayOutputStream();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Path users = storage.resolve("users");
    Htpasswd.create(users, "tester", "test-password");
    server = RegistryServer.start(
        new ServerConfig("127.0.0.1", 0, storage.resolve("data"), users, true).withAuth(basicWithDelete()),
        new PrintStream(output, true, StandardCharsets.UTF_8));
    base = "http://127.0.0.1:" + server.port();
    auth = "Basic " + Base64.getEncoder().encodeToString("tester:test-password".getBytes(StandardCharsets.UTF_8));
  }

  /** The API tests run with Basic auth; every user may delete (the default rules let only admins). */
  static AuthSettings basicWithDelete() {
    return AuthSettings.of(AuthSettings.Mode.BASIC).withUsersFileGiven(true)
        .withRulesFile(AccessRulesFile.permissive(storage.resolve("rules.yml")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpRequest.Builder request(String pathOrUrl) {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl;
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth);
  }

  static HttpResponse<String> send(HttpRequest r) throws Exception {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> sendBytes(HttpRequest r) throws Exception {
    return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void printsWhereItListens() {
    assertThat(output.toString(StandardCharsets.UTF_8))
        .containsOnlyOnce("listening on http://127.0.0.1:" + server.port());
  }

  @Test
  void pingWithoutCredentialsIsChallenged() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/v2/")).build());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Berth Registry\"");
    assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    assertThat(r.body()).startsWith("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"");

    HttpResponse<String> scoped = send(HttpRequest.newBuilder(URI.create(base + "/v2/a/b/tags/list")).build());
    assertThat(scoped.statusCode()).isEqualTo(401);
    assertThat(scoped.body()).contains("\"detail\":[{").contains("\"Name\":\"a/b\"").contains("\"Action\":\"pull\"");

    HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(base + "/v2/"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("tester:nope".getBytes())).build());
    assertThat(wrong.statusCode()).isEqualTo(401);
  }

  @Test
  void pingWithGoodCredentials() throws Exception {
    HttpResponse<String> r = send(request("/v2/").build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
  }

  @Test
  void monolithicUploadThenGetHeadAndRange() throws Exception {
    byte[] blob = randomBytes(100_000, 1);
    Digest digest = Digest.sha256(blob);
    HttpResponse<String> put = send(request("/v2/mono/app/blobs/uploads/?digest=" + digest)
        .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest.toString());
    assertThat(put.headers().firstValue("Location")).hasValue("/v2/mono/app/blobs/" + digest);

    HttpResponse<byte[]> get = sendBytes(request("/v2/mono/app/blobs/" + digest).build());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(blob);

    HttpResponse<String> head = send(request("/v2/mono/app/blobs/" + digest)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("100000");

    HttpResponse<byte[]> range = sendBytes(request("/v2/mono/app/blobs/" + digest).header("Range", "bytes=10-19").build());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 10-19/100000");
    assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(blob, 10, 20));

    // another repository does not see it
    assertThat(send(request("/v2/other/blobs/" + digest).build()).statusCode()).isEqualTo(404);
  }

  @Test
  void chunkedUploadWithStatusAndOutOfOrderChunk() throws Exception {
    byte[] blob = randomBytes(300_000, 2);
    Digest digest = Digest.sha256(blob);
    HttpResponse<String> start = send(request("/v2/chunked/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(start.statusCode()).isEqualTo(202);
    String location = base + start.headers().firstValue("Location").orElseThrow();
    assertThat(start.headers().firstValue("Docker-Upload-UUID")).isPresent();

    HttpResponse<String> first = send(request(location).header("Content-Range", "0-99999")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob, 0, 100_000)).build());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(first.headers().firstValue("Range")).hasValue("0-99999");

    HttpResponse<String> outOfOrder = send(request(location).header("Content-Range", "200000-299999")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob, 200_000, 100_000)).build());
    assertThat(outOfOrder.statusCode()).isEqualTo(416);

    HttpResponse<String> status = send(request(location).build());
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-99999");

    // a chunk without Content-Range, as docker streams it
    HttpResponse<String> second = send(request(location)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob, 100_000, 100_000)).build());
    assertThat(second.statusCode()).isEqualTo(202);

    // the session replayed against another repository is unknown there
    String replay = location.replace("/v2/chunked/", "/v2/intruder/");
    assertThat(send(request(replay).build()).statusCode()).isEqualTo(404);

    // the final chunk comes with the closing PUT
    HttpResponse<String> done = send(request(location + "?digest=" + digest)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob, 200_000, 100_000)).build());
    assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
    assertThat(sendBytes(request("/v2/chunked/blobs/" + digest).build()).body()).isEqualTo(blob);
  }

  @Test
  void tamperedDigestIsRejectedAndLeavesNothing() throws Exception {
    byte[] blob = randomBytes(50_000, 3);
    byte[] tampered = blob.clone();
    tampered[100] ^= 1;
    Digest claimed = Digest.sha256(blob);
    HttpResponse<String> r = send(request("/v2/tamper/blobs/uploads/?digest=" + claimed)
        .POST(HttpRequest.BodyPublishers.ofByteArray(tampered)).build());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"code\":\"DIGEST_INVALID\"");
    assertThat(send(request("/v2/tamper/blobs/" + claimed).method("HEAD", HttpRequest.BodyPublishers.noBody()).build())
        .statusCode()).isEqualTo(404);
    assertThat(Files.exists(server.storage().layout().blobData(claimed))).isFalse();
    assertThat(Files.exists(server.storage().layout().blobData(Digest.sha256(tampered)))).isFalse();
  }

  @Test
  void manifestPutGetByteExactByTagAndDigestAndTagList() throws Exception {
    byte[] config = "{\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = randomBytes(1000, 4);
    Digest c = upload("img/app", config);
    Digest l = upload("img/app", layer);
    byte[] manifest = ("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"" + MediaTypes.DOCKER_MANIFEST + "\",\n"
        + "   \"config\": {\"mediaType\": \"" + MediaTypes.DOCKER_CONFIG + "\", \"size\": " + config.length
        + ", \"digest\": \"" + c + "\"},\n   \"layers\": [{\"mediaType\": \"" + MediaTypes.DOCKER_LAYER_GZIP
        + "\", \"size\": " + layer.length + ", \"digest\": \"" + l + "\"}]\n}").getBytes(StandardCharsets.UTF_8);
    Digest md = Digest.sha256(manifest);

    HttpResponse<String> put = send(request("/v2/img/app/manifests/131").header("Content-Type", MediaTypes.DOCKER_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(md.toString());

    for (String ref : new String[] {"131", md.toString()}) {
      HttpResponse<byte[]> get = sendBytes(request("/v2/img/app/manifests/" + ref).build());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo(manifest);
      assertThat(get.headers().firstValue("Content-Type")).hasValue(MediaTypes.DOCKER_MANIFEST);
      assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(md.toString());
    }
    send(request("/v2/img/app/manifests/132").header("Content-Type", MediaTypes.DOCKER_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());

    HttpResponse<String> tags = send(request("/v2/img/app/tags/list").build());
    assertThat(tags.body()).isEqualTo("{\"name\":\"img/app\",\"tags\":[\"131\",\"132\"]}");
    HttpResponse<String> page = send(request("/v2/img/app/tags/list?n=1").build());
    assertThat(page.body()).isEqualTo("{\"name\":\"img/app\",\"tags\":[\"131\"]}");
    assertThat(page.headers().firstValue("Link")).hasValue("</v2/img/app/tags/list?n=1&last=131>; rel=\"next\"");
    assertThat(send(request("/v2/img/app/tags/list?n=999999999").build()).statusCode()).isEqualTo(400);

    assertThat(send(request("/v2/img/app/manifests/nope").build()).statusCode()).isEqualTo(404);
    HttpResponse<String> contradiction = send(request("/v2/img/app/manifests/bad").header("Content-Type", MediaTypes.OCI_INDEX)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
    assertThat(contradiction.statusCode()).isEqualTo(400);
    assertThat(contradiction.body()).contains("MANIFEST_INVALID");
  }

  @Test
  void badNamesAreRefused() throws Exception {
    HttpResponse<String> r = send(request("/v2/Upper/Case/tags/list").build());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("NAME_INVALID");
    assertThat(send(request("/v2/a/../../etc/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()).build())
        .statusCode()).isIn(400, 404);
  }

  @Test
  void mountFromAnotherRepositoryAndCancelledUploads() throws Exception {
    Digest d = upload("source/repo", randomBytes(2000, 5));
    HttpResponse<String> mounted = send(request("/v2/target/repo/blobs/uploads/?mount=" + d + "&from=source/repo")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(mounted.statusCode()).isEqualTo(201);
    assertThat(mounted.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
    assertThat(sendBytes(request("/v2/target/repo/blobs/" + d).build()).statusCode()).isEqualTo(200);

    // the source does not hold it: a plain session instead, revealing nothing
    Digest unknown = Digest.sha256("nowhere".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> fallback = send(request("/v2/target/repo/blobs/uploads/?mount=" + unknown + "&from=source/repo")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(fallback.statusCode()).isEqualTo(202);
    String location = base + fallback.headers().firstValue("Location").orElseThrow();
    assertThat(send(request(location).DELETE().build()).statusCode()).isEqualTo(204);
    assertThat(send(request(location).build()).statusCode()).isEqualTo(404);
    assertThat(send(request(location).build()).body()).contains("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void referrersIndexWithArtifactTypeFilter() throws Exception {
    Digest empty = upload("refs/app", "{}".getBytes(StandardCharsets.UTF_8));
    byte[] subject = ociManifest(empty, null, null);
    Digest subjectDigest = Digest.sha256(subject);
    // the subject need not exist when the referrer is pushed
    byte[] sbom = ociManifest(empty, "application/vnd.example.sbom", subjectDigest);
    byte[] sig = ociManifest(empty, "application/vnd.example.sig", subjectDigest);
    for (byte[] m : new byte[][] {sbom, sig}) {
      HttpResponse<String> put = send(request("/v2/refs/app/manifests/" + Digest.sha256(m))
          .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(m)).build());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subjectDigest.toString());
    }
    HttpResponse<String> all = send(request("/v2/refs/app/referrers/" + subjectDigest).build());
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_INDEX);
    assertThat(all.body()).contains(Digest.sha256(sbom).toString(), Digest.sha256(sig).toString());

    HttpResponse<String> filtered = send(request("/v2/refs/app/referrers/" + subjectDigest
        + "?artifactType=application/vnd.example.sig").build());
    assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
    assertThat(filtered.body()).contains(Digest.sha256(sig).toString()).doesNotContain(Digest.sha256(sbom).toString());

    HttpResponse<String> none = send(request("/v2/refs/app/referrers/" + empty).build());
    assertThat(none.body()).isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}");
  }

  @Test
  void indexNeedsItsChildrenAndOversizedManifestsAreRefused() throws Exception {
    Digest empty = upload("multi/app", "{}".getBytes(StandardCharsets.UTF_8));
    byte[] child = ociManifest(empty, null, null);
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + Digest.sha256(child) + "\",\"size\":" + child.length
        + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> early = send(request("/v2/multi/app/manifests/latest").header("Content-Type", MediaTypes.OCI_INDEX)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(index)).build());
    assertThat(early.statusCode()).isEqualTo(400); // as distribution: the manifest is the bad input
    assertThat(early.body()).contains("MANIFEST_BLOB_UNKNOWN");
    send(request("/v2/multi/app/manifests/" + Digest.sha256(child)).header("Content-Type", MediaTypes.OCI_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(child)).build());
    HttpResponse<String> ok = send(request("/v2/multi/app/manifests/latest").header("Content-Type", MediaTypes.OCI_INDEX)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(index)).build());
    assertThat(ok.statusCode()).isEqualTo(201);
    HttpResponse<byte[]> get = sendBytes(request("/v2/multi/app/manifests/latest").build());
    assertThat(get.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_INDEX);
    assertThat(get.body()).isEqualTo(index);

    byte[] huge = new byte[4 * 1024 * 1024 + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    HttpResponse<String> tooLarge = send(request("/v2/multi/app/manifests/huge").header("Content-Type", MediaTypes.OCI_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(huge)).build());
    assertThat(tooLarge.statusCode()).isEqualTo(413);

    HttpResponse<String> catalog = send(request("/v2/_catalog").build());
    assertThat(catalog.body()).contains("\"multi/app\"");
  }

  @Test
  void deletionWorksAndCanBeSwitchedOff() throws Exception {
    Digest empty = upload("del/app", "{}".getBytes(StandardCharsets.UTF_8));
    byte[] m = ociManifest(empty, null, null);
    send(request("/v2/del/app/manifests/v1").header("Content-Type", MediaTypes.OCI_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(m)).build());
    assertThat(send(request("/v2/del/app/manifests/v1").DELETE().build()).statusCode()).isEqualTo(202);
    assertThat(send(request("/v2/del/app/manifests/v1").build()).statusCode()).isEqualTo(404);
    assertThat(send(request("/v2/del/app/manifests/" + Digest.sha256(m)).DELETE().build()).statusCode()).isEqualTo(202);
    assertThat(send(request("/v2/del/app/manifests/" + Digest.sha256(m)).build()).statusCode()).isEqualTo(404);
    assertThat(send(request("/v2/del/app/blobs/" + empty).DELETE().build()).statusCode()).isEqualTo(202);
    assertThat(send(request("/v2/del/app/blobs/" + empty).build()).statusCode()).isEqualTo(404);

    Path users = storage.resolve("users");
    // Its own storage: one server at a time holds a storage directory (StorageLock).
    try (RegistryServer readOnly = RegistryServer.start(
        new ServerConfig("127.0.0.1", 0, storage.resolve("data-no-delete"), users, false).withAuth(basicWithDelete()), new PrintStream(new ByteArrayOutputStream()))) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + readOnly.port()
          + "/v2/mono/app/blobs/" + empty)).header("Authorization", auth).DELETE().build());
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.body()).contains("UNSUPPORTED");
    }
  }

  @Test
  void manifestWithAMissingLayerIs400ManifestBlobUnknown() throws Exception {
    Digest config = upload("missing/app", "{}".getBytes(StandardCharsets.UTF_8));
    Digest absent = Digest.sha256(randomBytes(10, 42));
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + config + "\",\"size\":2},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + absent
        + "\",\"size\":10}]}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> put = send(request("/v2/missing/app/manifests/v1").header("Content-Type", MediaTypes.OCI_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
    assertThat(put.body()).startsWith("{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\"").contains(absent.toString());
  }

  // The OCI conformance suite asks for .INVALID_MANIFEST_NAME and expects 404; a PUT stays 400.
  @Test
  void aReferenceThatIsNeitherTagNorDigestIsUnknownToReadsAndInvalidToWrites() throws Exception {
    for (String reference : new String[] {".INVALID_MANIFEST_NAME", "sha256:abc", "-dash"}) {
      HttpResponse<String> get = send(request("/v2/img/app/manifests/" + reference).build());
      assertThat(get.statusCode()).as(reference).isEqualTo(404);
      assertThat(get.body()).as(reference).startsWith("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"");
      HttpResponse<String> head = send(request("/v2/img/app/manifests/" + reference)
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(head.statusCode()).as(reference).isEqualTo(404);
    }
    Digest config = upload("img/app", "{}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> put = send(request("/v2/img/app/manifests/.INVALID_MANIFEST_NAME")
        .header("Content-Type", MediaTypes.OCI_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(ociManifest(config, null, null))).build());
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(put.body()).contains("TAG_INVALID");
  }

  // distribution refuses these too; a truncated size would make the descriptor lie about its blob.
  @Test
  void layerSizesMustBeNonNegativeIntegersThatFitInALong() throws Exception {
    Digest config = upload("sizes/app", "{}".getBytes(StandardCharsets.UTF_8));
    for (String size : new String[] {"1.5", "1e3", "2.0", "1e400", "-1", "\"2\"", "null", "true",
        "9223372036854775808", "[2]"}) {
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
          + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + config + "\",\"size\":2},"
          + "\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + config + "\",\"size\":"
          + size + "}]}").getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> put = send(request("/v2/sizes/app/manifests/v1").header("Content-Type", MediaTypes.OCI_MANIFEST)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
      assertThat(put.statusCode()).as(size + ": " + put.body()).isEqualTo(400);
      assertThat(put.body()).as(size).startsWith("{\"errors\":[{\"code\":\"MANIFEST_INVALID\"")
          .contains("invalid size").doesNotContain("\n");
    }
    assertThat(send(request("/v2/sizes/app/manifests/v1").build()).statusCode()).isEqualTo(404);
    byte[] largest = new String(ociManifest(config, null, null), StandardCharsets.UTF_8)
        .replaceFirst("\"size\":2}]", "\"size\":9223372036854775807}]").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> ok = send(request("/v2/sizes/app/manifests/v1").header("Content-Type", MediaTypes.OCI_MANIFEST)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(largest)).build());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
  }

  static byte[] ociManifest(Digest config, String artifactType, Digest subject) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + (artifactType == null ? "" : "\"artifactType\":\"" + artifactType + "\",")
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + config + "\",\"size\":2},"
        + "\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + config + "\",\"size\":2}]"
        + (subject == null ? "" : ",\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\""
            + subject + "\",\"size\":100}")
        + "}").getBytes(StandardCharsets.UTF_8);
  }

  static Digest upload(String repo, byte[] content) throws Exception {
    Digest digest = Digest.sha256(content);
    HttpResponse<String> r = send(request("/v2/" + repo + "/blobs/uploads/?digest=" + digest)
        .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return digest;
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
