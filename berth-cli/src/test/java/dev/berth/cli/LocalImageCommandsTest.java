package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Json;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredBlob;
import dev.berth.model.Digest;
import dev.berth.model.JsonReader;
import dev.berth.model.Reference;
import dev.berth.testkit.SyntheticImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local image commands against docker's documented output: the columns and headers of
 * {@code images}, {@code history} and {@code system df}, the field names and order of
 * {@code inspect} and of {@code --format json}, docker's filters, and what prune and rm print.
 *
 * <p>The store holds: one image (seed 31, two uncompressed layers) under {@code app:1} and
 * {@code localhost:5000/team/app:2}; the same image with gzip layers under {@code gz:1}; an older
 * image {@code old:1}; an unnamed (dangling) image; and a non-image artifact {@code art:1}.
 */
class LocalImageCommandsTest {
  static final Instant CREATED = Instant.now().minus(Duration.ofDays(95));
  static final Instant OLDER = Instant.now().minus(Duration.ofDays(400));

  @TempDir Path home;
  CliRun berth;
  SyntheticImage app = SyntheticImage.builder().seed(31).layerSizes(3000, 2000).created(CREATED)
      .repoTags("app:1", "localhost:5000/team/app:2").build();
  String id;

  @BeforeEach
  void setUp() throws Exception {
    berth = new CliRun(home);
    id = Digest.parse(app.config().digest()).shortId();
    load(app.writeDockerArchive(home.resolve("app.tar")));
    SyntheticImage gzip = SyntheticImage.builder().seed(31).layerSizes(3000, 2000).created(CREATED).gzipLayers(true)
        .repoTag("gz:1").build();
    load(gzip.writeOciArchive(home.resolve("gz.tar")));
    load(SyntheticImage.builder().seed(7).layerSizes(1000).created(OLDER).repoTag("old:1").build()
        .writeDockerArchive(home.resolve("old.tar")));
    // named dangling by moving its only name to another image, as docker leaves <none> behind
    load(SyntheticImage.builder().seed(8).layerSizes(500).created(OLDER).repoTag("moved:1").build()
        .writeDockerArchive(home.resolve("moved.tar")));
    assertThat(berth.run("tag", "old:1", "moved:1").exitCode()).isZero();
    addArtifact();
  }

  private void load(Path archive) {
    CliRun.Result r = berth.run("load", "-i", archive.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  /** An OCI artifact (a signature-like blob) as a pull of one would store it. */
  private void addArtifact() throws Exception {
    ImageStore store = ImageStore.open(home.resolve("data/berth/images"));
    StoredBlob config = store.putBlob("{}".getBytes(StandardCharsets.UTF_8));
    StoredBlob layer = store.putBlob("not an image layer".getBytes(StandardCharsets.UTF_8));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    manifest.put("artifactType", "application/vnd.example.signature.v1");
    manifest.put("config", new Descriptor("application/vnd.oci.empty.v1+json", config.digest(), config.size()).toJson());
    manifest.put("layers", List.of(new Descriptor("application/octet-stream", layer.digest(), layer.size()).toJson()));
    StoredBlob m = store.putBlob(Json.write(manifest));
    store.addImage(new Descriptor("application/vnd.oci.image.manifest.v1+json", m.digest(), m.size()),
        List.of(Reference.parse("art:1")));
  }

  private List<String> lines(String... args) {
    CliRun.Result r = berth.run(args);
    assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r.out().lines().toList();
  }

  /** Every row's cells start where the header's titles start (docker's tabwriter alignment). */
  private static void assertAligned(List<String> table, String... titles) {
    String header = table.getFirst();
    List<Integer> starts = new ArrayList<>();
    for (String title : titles) {
      starts.add(header.indexOf(title));
    }
    assertThat(starts).as(header).doesNotContain(-1).isSorted();
    assertThat(header).isEqualTo(header.stripTrailing());
    for (int i = 1; i < starts.size(); i++) {
      int gap = starts.get(i) - starts.get(i - 1);
      assertThat(gap).as("column %s of %s", titles[i - 1], header).isGreaterThanOrEqualTo(Math.max(10, titles[i - 1].length() + 3));
    }
    for (String row : table.subList(1, table.size())) {
      for (int i = 1; i < starts.size(); i++) {
        if (starts.get(i) >= row.length()) {
          continue; // an empty last cell (history's COMMENT)
        }
        // no cell runs into the next column (an empty cell, e.g. an unknown CREATED, is blank)
        assertThat(row.charAt(starts.get(i) - 1)).as("row %s, before column %s", row, titles[i]).isEqualTo(' ');
      }
    }
  }

  @Test
  void imagesTableHasDockersColumnsNewestFirst() {
    List<String> table = lines("images");
    assertThat(table.getFirst()).matches("REPOSITORY {3,}TAG {7}IMAGE ID {7}CREATED {7,}SIZE");
    assertAligned(table, "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
    assertThat(table).hasSize(1 + 6); // app:1, team/app:2, gz:1, old:1 and moved:1 (one image), <none>; no artifact
    assertThat(table.get(1)).startsWith("app ");
    assertThat(table).anySatisfy(l -> assertThat(l).matches("<none> +<none> +[0-9a-f]{12} +\\d+ months ago +\\d.*B"));
    assertThat(table.getLast()).matches("<none> .*"); // oldest last
    assertThat(table).noneMatch(l -> l.startsWith("art "));
    assertThat(lines("image", "ls")).isEqualTo(table);
    assertThat(lines("image", "list")).isEqualTo(table);
  }

  /** The same image ID has one size, however its layers are compressed: the unpacked size, as docker. */
  @Test
  void oneImageIdOneSizeWhateverTheCompression() {
    List<String> rows = lines("images", "--format", "{{.Repository}} {{.ID}} {{.Size}} {{.VirtualSize}}");
    String plain = rows.stream().filter(r -> r.startsWith("app ")).findFirst().orElseThrow();
    String gzip = rows.stream().filter(r -> r.startsWith("gz ")).findFirst().orElseThrow();
    assertThat(gzip.substring(3)).isEqualTo(plain.substring(4)).startsWith(id + " ");
    long unpacked = app.layerTars().stream().mapToLong(SyntheticImage.Blob::size).sum();
    assertThat(plain).endsWith(" " + dev.berth.cli.format.Units.humanSize(unpacked, 3) + " "
        + dev.berth.cli.format.Units.humanSize(unpacked));
  }

  @Test
  void digestsNoTruncAndQuiet() {
    List<String> table = lines("images", "--digests");
    assertThat(table.getFirst()).matches("REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE");
    assertAligned(table, "REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE");
    assertThat(table.get(1)).matches("app +1 +sha256:[0-9a-f]{64} +" + id + " .*");
    assertThat(lines("images", "--no-trunc").get(1)).contains(" " + app.config().digest() + " ");
    assertThat(lines("images", "-q", "app")).containsExactly(id);
    assertThat(lines("images", "-q", "--no-trunc", "app")).containsExactly(app.config().digest());
    assertThat(lines("images", "-q")).hasSize(6).allMatch(l -> l.matches("[0-9a-f]{12}"));
    // a custom format wins over -q, as in docker
    assertThat(lines("images", "-q", "--format", "{{.Tag}}", "app")).containsExactly("1");
  }

  @Test
  void formatFieldsAreDockers() throws Exception {
    List<String> json = lines("images", "--format", "json", "app");
    assertThat(json).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) JsonReader.parse(json.getFirst());
    assertThat(row.keySet()).containsExactly("Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository",
        "SharedSize", "Size", "Tag", "UniqueSize", "VirtualSize");
    assertThat(row).containsEntry("Repository", "app").containsEntry("Tag", "1").containsEntry("ID", id)
        .containsEntry("Containers", "N/A").containsEntry("CreatedSince", "3 months ago");
    assertThat((String) row.get("CreatedAt")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\S+");
    assertThat(lines("images", "--format", "{{json .}}", "app")).isEqualTo(json);
    assertThat(lines("images", "--format", "table {{.Repository}}:{{.Tag}}\t{{.ID}}", "app"))
        .containsExactly("REPOSITORY:TAG   IMAGE ID", "app:1            " + id);
    // --digests adds the column to a custom table, as docker does
    assertThat(lines("images", "--digests", "--format", "table {{.Tag}}", "app").getFirst()).matches("TAG +DIGEST");
    CliRun.Result bad = berth.run("images", "--format", "{{.Nope}}");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).startsWith("Error: template: can't evaluate field Nope in type image").hasLineCount(1);
  }

  @Test
  void configFileImagesFormatIsUsedAsDockerUsesIt() throws Exception {
    java.nio.file.Files.createDirectories(home.resolve("docker"));
    java.nio.file.Files.writeString(home.resolve("docker/config.json"), "{\"imagesFormat\":\"{{.Repository}}={{.Tag}}\"}");
    assertThat(lines("images", "app")).containsExactly("app=1");
    assertThat(lines("images", "-q", "app")).containsExactly(id); // -q ignores it
  }

  @Test
  void filtersAsDocker() {
    assertThat(lines("images", "--format", "{{.Repository}}:{{.Tag}}", "-f", "reference=app"))
        .containsExactly("app:1");
    assertThat(lines("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=*/team/*"))
        .containsExactly("localhost:5000/team/app:2");
    assertThat(lines("images", "--format", "{{.Repository}}:{{.Tag}}", "localhost:5000/team/app"))
        .containsExactly("localhost:5000/team/app:2");
    assertThat(lines("images", "--format", "{{.Repository}}:{{.Tag}}", "-f", "reference=app:1", "-f", "reference=gz"))
        .containsExactlyInAnyOrder("app:1", "gz:1");
    assertThat(lines("images", "--format", "{{.Repository}}", "-f", "dangling=true")).containsExactly("<none>");
    assertThat(lines("images", "--format", "{{.Repository}}", "-f", "dangling=false")).doesNotContain("<none>").hasSize(5);
    assertThat(lines("images", "--format", "{{.Repository}}:{{.Tag}}", "-f", "before=app:1"))
        .containsExactlyInAnyOrder("old:1", "moved:1", "<none>:<none>");
    assertThat(lines("images", "--format", "{{.Repository}}:{{.Tag}}", "-f", "since=old:1"))
        .containsExactlyInAnyOrder("app:1", "localhost:5000/team/app:2", "gz:1");
    assertThat(lines("images", "--format", "{{.Repository}}", "-f", "label=dev.berth.testkit.seed=31", "-f", "dangling=false"))
        .containsExactlyInAnyOrder("app", "localhost:5000/team/app", "gz");
    assertThat(lines("images", "--format", "{{.Repository}}", "-f", "label=dev.berth.testkit.seed")).hasSize(6);
    CliRun.Result bad = berth.run("images", "-f", "color=blue");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("Error: invalid filter 'color'\n");
    CliRun.Result malformed = berth.run("images", "-f", "nonsense");
    assertThat(malformed.exitCode()).isEqualTo(125);
    assertThat(malformed.err()).isEqualTo("Error: bad format of filter (expected name=value): nonsense\n");
  }

  @Test
  void artifactsAreKeptButListedOnlyWithAll() {
    assertThat(lines("images", "--format", "{{.Repository}}")).doesNotContain("art");
    List<String> all = lines("images", "-a", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}");
    assertThat(all).contains("art:1 20B"); // {} + the 18-byte blob, as stored
    assertThat(lines("inspect", "--format", "{{.Config}} {{.Descriptor.mediaType}}", "art:1"))
        .containsExactly("<nil> application/vnd.oci.image.manifest.v1+json");
  }

  @Test
  void inspectIsDockersJsonArray() throws Exception {
    CliRun.Result r = berth.run("inspect", "app:1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("[\n    {\n        \"Id\": \"" + app.config().digest() + "\",\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> image = (Map<String, Object>) ((List<Object>) JsonReader.parse(r.out())).getFirst();
    // image.InspectResponse of docker 28 (API 1.50), in its field order
    assertThat(image.keySet()).containsExactly("Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created",
        "DockerVersion", "Author", "Config", "Architecture", "Os", "Size", "GraphDriver", "RootFS", "Metadata", "Descriptor");
    assertThat(image.get("RepoTags")).isEqualTo(List.of("app:1", "localhost:5000/team/app:2", "gz:1"));
    assertThat((List<?>) image.get("RepoDigests")).hasSize(3).allMatch(d -> d.toString().matches(".+@sha256:[0-9a-f]{64}"));
    assertThat(image.get("Size")).isEqualTo((int) app.layerTars().stream().mapToLong(SyntheticImage.Blob::size).sum());
    assertThat(image.get("RootFS")).isEqualTo(Map.of("Type", "layers", "Layers", app.diffIds()));
    assertThat(lines("image", "inspect", "-f", "{{.Id}} {{.Os}}/{{.Architecture}} {{index .Config.Labels \"dev.berth.testkit.seed\"}}", "app:1"))
        .containsExactly(app.config().digest() + " linux/amd64 31");
    assertThat(lines("inspect", "--format", "{{json .RootFS.Layers}}", id)).containsExactly(
        "[\"" + String.join("\",\"", app.diffIds()) + "\"]");

    CliRun.Result missing = berth.run("inspect", "app:1", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.out()).startsWith("[\n    {");
    assertThat(missing.err()).isEqualTo("Error: No such image: nope:latest\n");
    CliRun.Result none = berth.run("inspect", "nope");
    assertThat(none.out()).isEqualTo("[]\n");
    // docker://NAME goes to the registry source (PushPullCommandTest and TransferBerthTokenIT read real ones):
    // a registry that is not there is one error line, and the local image beside it is still shown
    CliRun.Result remote = berth.run("inspect", "app:1", "docker://127.0.0.1:1/app:1");
    assertThat(remote.exitCode()).isEqualTo(1);
    assertThat(remote.out()).startsWith("[\n    {\n        \"Id\": \"" + app.config().digest());
    assertThat(remote.err()).startsWith("Error: ").contains("127.0.0.1:1").hasLineCount(1)
        .doesNotContain("invalid reference format"); // it was read as a registry's image, not a local name
  }

  @Test
  void historyIsDockersTable() throws Exception {
    List<String> table = lines("history", "app:1");
    assertThat(table.getFirst()).matches("IMAGE {10}CREATED {8,}CREATED BY {4,}SIZE {6}COMMENT");
    assertAligned(table, "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
    assertThat(table).hasSize(3);
    assertThat(table.get(1)).startsWith(id + "   3 months ago   berth-testkit: layer 1 of seed 31 ");
    assertThat(table.get(2)).startsWith("<missing>      3 months ago   berth-testkit: layer 0 of seed 31 ");
    assertThat(lines("history", "-q", "app:1")).containsExactly(id, "<missing>");
    assertThat(lines("image", "history", "--no-trunc", "-q", "app:1").getFirst()).isEqualTo(app.config().digest());
    List<String> raw = lines("history", "-H=false", "--format", "{{.CreatedAt}} {{.Size}}", "app:1");
    assertThat(raw.getFirst()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d) \\d+");
    assertThat(raw.get(1)).endsWith(" " + app.layerTars().getFirst().size());
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) JsonReader.parse(lines("history", "--format", "json", "app:1").getFirst());
    assertThat(row.keySet()).containsExactly("Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size");
  }

  @Test
  void systemDfIsDockersSummary() throws Exception {
    List<String> table = lines("system", "df");
    assertThat(table).hasSize(2);
    assertThat(table.getFirst()).isEqualTo("TYPE      TOTAL     ACTIVE    SIZE      RECLAIMABLE");
    // four image IDs (the artifact's too), three of them named; what prune would free is the dangling one
    assertThat(table.get(1)).matches("Images    4         3         \\d+(\\.\\d+)?kB +\\d+(\\.\\d+)?kB \\(\\d+%\\)");
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) JsonReader.parse(lines("system", "df", "--format", "json").getFirst());
    assertThat(row.keySet()).containsExactly("Active", "Reclaimable", "Size", "TotalCount", "Type");
    List<String> verbose = lines("system", "df", "-v");
    assertThat(verbose.subList(0, 2)).containsExactly("Images space usage:", "");
    assertAligned(verbose.subList(2, verbose.size()), "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE",
        "UNIQUE SIZE", "CONTAINERS");
  }

  @Test
  void pruneRemovesDanglingImagesAsDocker() {
    CliRun.Result declined = berth.run("n\n".getBytes(StandardCharsets.UTF_8), "image", "prune");
    assertThat(declined.exitCode()).isZero();
    assertThat(declined.out()).isEqualTo("WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
    assertThat(lines("images", "-f", "dangling=true", "-q")).hasSize(1);

    CliRun.Result pruned = berth.run("y\n".getBytes(StandardCharsets.UTF_8), "image", "prune");
    assertThat(pruned.exitCode()).as(pruned.err()).isZero();
    assertThat(pruned.out()).matches("(?s).*\\[y/N\\] Deleted Images:\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: \\d+(\\.\\d+)?kB\n");
    assertThat(lines("images", "-f", "dangling=true")).hasSize(1); // the header alone

    CliRun.Result nothing = berth.run("image", "prune", "-f");
    assertThat(nothing.out()).isEqualTo("Total reclaimed space: 0B\n");

    CliRun.Result all = berth.run("image", "prune", "-a", "-f", "--filter", "label=dev.berth.testkit.seed=31");
    assertThat(all.out()).startsWith("Deleted Images:\nuntagged: app:1\nuntagged: localhost:5000/team/app:2\nuntagged: gz:1\n")
        .contains("deleted: " + app.config().digest() + "\n");
    assertThat(lines("images", "--format", "{{.Repository}}:{{.Tag}}")).containsExactlyInAnyOrder("old:1", "moved:1");
  }

  @Test
  void imageRmAndImageTagAreRmiAndTag() {
    assertThat(lines("image", "tag", "app:1", "app:3")).isEmpty();
    assertThat(lines("image", "rm", "app:3")).containsExactly("Untagged: app:3");
    assertThat(lines("image", "remove", "old:1")).containsExactly("Untagged: old:1");
    CliRun.Result last = berth.run("image", "rmi", "moved:1");
    assertThat(last.out()).matches("Untagged: moved:1\nDeleted: sha256:[0-9a-f]{64}\n");
  }
}
