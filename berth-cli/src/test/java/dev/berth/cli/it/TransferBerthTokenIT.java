package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.ChallengeAuthenticator;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.TransportOptions;
import dev.berth.credentials.Credentials;
import dev.berth.testkit.SyntheticImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link TransferProof} against {@code berth serve} in its default mode: token auth; and inspect and tags against it. */
class TransferBerthTokenIT extends TransferBerthProof {
  @Override
  List<String> serveArguments() {
    return List.of();
  }

  @Test
  void inspectAndTagsReadTheRegistryAsSkopeoDoes() throws Exception {
    SyntheticImage image = SyntheticImage.builder().seed(941).layerSizes(8_000, 2_000).gzipLayers(true).build();
    Path archive = image.writeOciArchive(dir.resolve("tags-in.tar"), Map.of("org.opencontainers.image.ref.name", "v1"));
    String repo = host + "/proof/tags";
    for (String tag : List.of("c", "a", "b")) {
      skopeo("copy", "--dest-tls-verify=false", "oci-archive:" + archive + ":v1", "docker://" + repo + ":" + tag);
    }

    assertThat(ok(puller.run("tags", repo)).out())
        .isEqualTo("{\n    \"Repository\": \"" + repo + "\",\n    \"Tags\": [\n        \"a\",\n        \"b\",\n        \"c\"\n    ]\n}\n");
    assertThat(ok(puller.run("tags", "--format", "{{join .Tags \",\"}}", "docker://" + repo)).out()).isEqualTo("a,b,c\n");
    // page by page, as the registry serves them (Link: rel="next")
    RegistryClient client = new RegistryClient(TransportOptions.defaults().newHttpClient(), RegistryEndpoint.forHost(host),
        "proof/tags", new ChallengeAuthenticator(RegistryEndpoint.forHost(host), Optional.of(new Credentials(USER, PASSWORD)),
            TransportOptions.defaults().newHttpClient()), false);
    assertThat(client.listTags(1)).containsExactly("a", "b", "c");

    // berth inspect docker://… shows what skopeo inspect shows
    Map<String, Object> ours = JSON.std.mapFrom(ok(puller.run("inspect", "docker://" + repo + ":a")).out());
    Map<String, Object> theirs = JSON.std.mapFrom(skopeo("inspect", "--tls-verify=false", "docker://" + repo + ":a").out());
    for (String field : List.of("Name", "Digest", "RepoTags", "Architecture", "Os", "Layers", "Created")) {
      assertThat(ours.get(field)).as(field).isEqualTo(theirs.get(field));
    }
    assertThat(ours.get("Digest")).isEqualTo(image.manifest().digest());
    assertThat(ok(puller.run("inspect", "--format", "{{.Digest}} {{json .RepoTags}} {{.Os}}/{{.Architecture}}",
        "docker://" + repo + ":b")).out()).isEqualTo(image.manifest().digest() + " [\"a\",\"b\",\"c\"] linux/amd64\n");
    assertThat(ok(puller.run("inspect", "--raw", "docker://" + repo + ":c")).out().getBytes(StandardCharsets.UTF_8))
        .isEqualTo((new String(image.manifest().content(), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));

    // a local image, once pulled: docker's fields
    ok(puller.run("pull", repo + ":a"));
    List<Object> local = JSON.std.listFrom(ok(puller.run("inspect", repo + ":a")).out());
    assertThat(local).singleElement().satisfies(o -> {
      Map<?, ?> m = (Map<?, ?>) o;
      assertThat(m.get("Id")).isEqualTo(image.config().digest());
      assertThat(m.get("RepoTags")).isEqualTo(List.of(repo + ":a"));
    });

    BerthCli.Result missing = puller.run("inspect", "docker://" + repo + ":nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("Error: Tried to pull manifest " + repo + ":nope but failed because: manifest unknown")
        .hasLineCount(1);
    BerthCli.Result bad = puller.run("inspect", "--format", "{{range .Tags}}", "docker://" + repo + ":a");
    assertThat(bad.err()).isEqualTo("Error: template parsing error: unexpected EOF: {{range}} without {{end}} in '{{range .Tags}}'\n");
  }
}
