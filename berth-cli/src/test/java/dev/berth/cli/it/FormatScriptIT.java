package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.JsonReader;
import dev.berth.testkit.Exec;
import dev.berth.testkit.SyntheticImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format '{{.Repository}}:{{.Tag}}'} and {@code --format '{{json .}}'} driven by a real
 * bash script (src/test/resources/scripts/images-format.sh) running the shaded jar, as a user's
 * script would run berth.
 */
class FormatScriptIT {
  @TempDir Path dir;

  @Test
  void scriptsReadNamesAndJsonLines() throws Exception {
    BerthCli cli = new BerthCli(dir.resolve("home"));
    SyntheticImage image = SyntheticImage.builder().seed(77).layerSizes(900)
        .repoTags("team/app:1", "team/app:2", "keep:1").build();
    Path tar = image.writeDockerArchive(dir.resolve("in.tar"));
    Path script = dir.resolve("images-format.sh");
    Files.copy(Path.of("src/test/resources/scripts/images-format.sh"), script);
    Map<String, String> env = new java.util.HashMap<>(cli.environment());
    env.put("BERTH", String.join(" ", cli.command()));
    Exec.Result r = Exec.command("bash", script.toString(), tar.toString()).env(env)
        .timeout(java.time.Duration.ofSeconds(120)).run();
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();

    List<String> lines = r.stdout().lines().toList();
    String id = image.config().digest();
    assertThat(lines).filteredOn(l -> l.startsWith("name ")).containsExactlyInAnyOrder(
        "name team/app:1 " + id, "name team/app:2 " + id, "name keep:1 " + id);
    List<String> json = lines.stream().filter(l -> l.startsWith("json ")).map(l -> l.substring(5)).toList();
    assertThat(json).hasSize(3);
    for (String line : json) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) JsonReader.parse(line);
      assertThat(row.keySet()).containsExactly("Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository",
          "SharedSize", "Size", "Tag", "UniqueSize", "VirtualSize");
      assertThat(row.get("ID")).isEqualTo(id.substring(7, 19));
    }
    assertThat(lines).filteredOn(l -> l.startsWith("rmi ")).containsExactlyInAnyOrder("rmi Untagged: team/app:1", "rmi Untagged: team/app:2");
    assertThat(lines.getLast()).isEqualTo("left keep:1 ");
    assertThat(r.stderr()).isEmpty();
  }
}
