package dev.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cli.format.GoTemplate.Struct;
import dev.berth.cli.format.GoTemplate.TemplateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker's --format rules: tables aligned as Go's tabwriter aligns them (minimum width 10, padding
 * 3), a header row made from the same template, {@code json} as one Go-encoded line per row, and
 * the template subset Berth supports, with clear errors for the rest.
 */
class FormatterTest {
  static final Map<String, String> HEADERS = Map.of("Repository", "REPOSITORY", "Tag", "TAG", "ID", "IMAGE ID",
      "Size", "SIZE", "Digest", "DIGEST");

  static Struct row(String repo, String tag, String id, String size) {
    return new Struct("image").with("Digest", "<none>").with("ID", id).with("Repository", repo)
        .with("Size", size).with("Tag", tag);
  }

  final List<Struct> rows = List.of(row("app", "1", "6dee0147d1c7", "30.7kB"),
      row("localhost:5000/team/app", "latest", "6dee0147d1c7", "1e+03kB"), row("<none>", "<none>", "0a1b2c3d4e5f", "0B"));

  @Test
  void tableColumnsAreAtLeastTenWideWithThreeSpacesBetween() throws Exception {
    String out = Formatter.render("table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}", rows, HEADERS);
    assertThat(out).isEqualTo("""
        REPOSITORY                TAG       IMAGE ID       SIZE
        app                       1         6dee0147d1c7   30.7kB
        localhost:5000/team/app   latest    6dee0147d1c7   1e+03kB
        <none>                    <none>    0a1b2c3d4e5f   0B
        """);
  }

  @Test
  void escapedTabsAndLiteralTextInTables() throws Exception {
    String out = Formatter.render("table {{.Repository}}:{{.Tag}}\\t{{.Size}}", rows.subList(0, 1), HEADERS);
    assertThat(out).isEqualTo("REPOSITORY:TAG   SIZE\napp:1            30.7kB\n");
    assertThat(Formatter.render("table", List.of(), HEADERS)).isEqualTo("\n");
    assertThat(Formatter.render("table {{.Repository}}", List.of(), HEADERS)).isEqualTo("REPOSITORY\n");
  }

  @Test
  void customTemplatesHaveNoHeaderAndOneLinePerRow() throws Exception {
    assertThat(Formatter.render("{{.Repository}}:{{.Tag}}", rows, HEADERS))
        .isEqualTo("app:1\nlocalhost:5000/team/app:latest\n<none>:<none>\n");
    assertThat(Formatter.render("{{.ID}}\\t{{.Size}}", rows.subList(0, 1), HEADERS)).isEqualTo("6dee0147d1c7\t30.7kB\n");
  }

  @Test
  void jsonIsGoEncodingOneLinePerRow() throws Exception {
    String expected = "{\"Digest\":\"\\u003cnone\\u003e\",\"ID\":\"6dee0147d1c7\",\"Repository\":\"app\",\"Size\":\"30.7kB\",\"Tag\":\"1\"}\n";
    assertThat(Formatter.render("json", rows.subList(0, 1), HEADERS)).isEqualTo(expected);
    assertThat(Formatter.render("{{json .}}", rows.subList(0, 1), HEADERS)).isEqualTo(expected);
    assertThat(Formatter.render("{{json .Repository}} {{.Tag | json}}", rows.subList(0, 1), HEADERS))
        .isEqualTo("\"app\" \"1\"\n");
  }

  @Test
  void goValuesPrintAsGoPrintsThem() throws Exception {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("Env", List.of("PATH=/bin", "A=b"));
    config.put("Labels", Map.of("z", "1", "a", "2"));
    config.put("Nil", null);
    Struct inspect = new Struct("image.InspectResponse").with("Config", config).with("Size", 30720L)
        .with("RepoTags", List.of("app:1", "app:2"));
    assertThat(GoTemplate.parse("{{.Config.Env}} {{.Config.Labels}} {{.Config.Labels.a}} {{.Config.Nope}} {{.Config.Nil}} {{.Size}}")
        .execute(inspect)).isEqualTo("[PATH=/bin A=b] map[a:2 z:1] 2 <no value> <nil> 30720");
    assertThat(GoTemplate.parse("{{range .RepoTags}}[{{.}}]{{end}}").execute(inspect)).isEqualTo("[app:1][app:2]");
    assertThat(GoTemplate.parse("{{join .RepoTags \",\"}} {{len .RepoTags}} {{index .RepoTags 1}}").execute(inspect))
        .isEqualTo("app:1,app:2 2 app:2");
    assertThat(GoTemplate.parse("{{upper \"x\"}}{{lower \"Y\"}} {{title \"a b\"}} {{truncate \"abcdef\" 3}}")
        .execute(inspect)).isEqualTo("Xy A B abc");
    assertThat(GoTemplate.parse("{{if .Config.Nope}}yes{{else}}no{{end}} {{if eq .Size 30720}}big{{end}}")
        .execute(inspect)).isEqualTo("no big");
    assertThat(GoTemplate.parse("a {{- \" b \" -}} c\n{{/* a comment */}}").execute(inspect)).isEqualTo("a b c\n");
  }

  @Test
  void unsupportedTemplatesAreRefusedNamingWhat() {
    assertThatThrownBy(() -> Formatter.render("{{printf \"%s\" .ID}}", rows, HEADERS))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("template: function \"printf\" not defined (supported: ");
    assertThatThrownBy(() -> Formatter.render("{{with .ID}}{{.}}{{end}}", rows, HEADERS))
        .hasMessageStartingWith("template parsing error: {{with}} is not supported by berth");
    assertThatThrownBy(() -> Formatter.render("{{$x := .ID}}", rows, HEADERS))
        .hasMessageContaining("variables, parentheses) is not supported by berth");
    assertThatThrownBy(() -> Formatter.render("{{.ID", rows, HEADERS))
        .hasMessageStartingWith("template parsing error: unclosed action");
    assertThatThrownBy(() -> Formatter.render("{{if .ID}}x", rows, HEADERS))
        .hasMessageContaining("without {{end}}");
    assertThatThrownBy(() -> Formatter.render("{{.Nope}}", rows, HEADERS))
        .hasMessage("template: can't evaluate field Nope in type image (fields: Digest, ID, Repository, Size, Tag)");
  }

  @Test
  void tabWriterBlocksFollowGo() {
    // a line with fewer cells ends the column block above it, as in Go's text/tabwriter
    assertThat(TabWriter.align("a\tb\tc\nlonger cell\tx\nz\n")).isEqualTo("a             b         c\nlonger cell   x\nz\n");
    assertThat(TabWriter.align("Version:\t1\n Java version:\t25\n", 20, 1)).isEqualTo("Version:            1\n Java version:      25\n");
  }
}
