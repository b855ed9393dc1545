package dev.berth.server.auth.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.auth.Action;
import dev.berth.server.auth.WatchedFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFileTest {
  @TempDir Path dir;

  static AccessRules parse(String yaml) {
    return RulesFile.parse("rules.yml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theDefaultsLetUsersPullAndPushAdminsDeleteAndAnonymousNothing() throws Exception {
    Path file = dir.resolve("access.yml");
    assertThat(RulesFile.ensureDefault(file)).isTrue();
    assertThat(RulesFile.ensureDefault(file)).isFalse();
    AccessRules rules = RulesFile.read(file);
    assertThat(rules.allowed("alice", "any/repo")).isEqualTo(EnumSet.of(Action.PULL, Action.PUSH));
    assertThat(rules.allowed("admin", "any/repo")).isEqualTo(EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE));
    assertThat(rules.allowed(null, "any/repo")).isEmpty();
    assertThat(rules.allowsCatalog(null)).isFalse();
    assertThat(AccessRules.defaults().allowed("x", "a/b")).isEqualTo(EnumSet.of(Action.PULL, Action.PUSH));
  }

  @Test
  void globsStayWithinAComponentUnlessDoubled() {
    AccessRules rules = parse("""
        groups:
          devs: [bob]
        rules:
          - repositories: ["team/*"]
            groups: [devs]
            actions: [pull, push]
          - repositories: ["public/**"]
            anonymous: true
            actions: [pull]
          - repositories: ["lib?"]
            users: [carol]
            actions: [delete]
        """);
    assertThat(rules.allowed("bob", "team/app")).containsExactlyInAnyOrder(Action.PULL, Action.PUSH);
    assertThat(rules.allowed("bob", "team/app/web")).isEmpty();
    assertThat(rules.allowed("alice", "team/app")).isEmpty();
    assertThat(rules.allowed(null, "public/a/b")).containsExactly(Action.PULL);
    assertThat(rules.allowed("bob", "public/a")).containsExactly(Action.PULL); // anonymous rules apply to all
    assertThat(rules.allowed("carol", "lib1")).containsExactly(Action.DELETE);
    assertThat(rules.allowed("carol", "lib12")).isEmpty();
    assertThat(rules.allowsCatalog(null)).isTrue();
  }

  @Test
  void everyMistakeIsNamedWithItsPlace() {
    assertThatThrownBy(() -> parse("rules:\n  - repositories: [x]\n    users: [a]\n    actions: [pul]\n"))
        .hasMessage("rules file rules.yml: rules[0].actions: unknown action 'pul' (expected pull, push, delete)");
    assertThatThrownBy(() -> parse("rules:\n  - repository: [x]\n"))
        .hasMessageContaining("rules[0].repository: unknown key");
    assertThatThrownBy(() -> parse("rules:\n  - repositories: [x]\n    groups: [nope]\n    actions: [pull]\n"))
        .hasMessageContaining("unknown group 'nope'");
    assertThatThrownBy(() -> parse("rules:\n  - repositories: [x]\n    actions: [pull]\n"))
        .hasMessageContaining("applies to nobody");
    assertThatThrownBy(() -> parse("rules:\n  - repositories: [\"a b\"]\n    users: [a]\n    actions: [pull]\n"))
        .hasMessageContaining("invalid character ' '");
    assertThatThrownBy(() -> parse("rules: [\n")).hasMessageContaining("rules.yml line").hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> parse("rulez: []\n")).hasMessageContaining("rulez: unknown key");
  }

  @Test
  void anEditThatDoesNotParseKeepsTheLastGoodRulesAndSaysSoOnce() throws Exception {
    Path file = dir.resolve("rules.yml");
    Files.writeString(file, "rules:\n  - repositories: [\"**\"]\n    users: [\"*\"]\n    actions: [pull]\n");
    List<String> log = new ArrayList<>();
    WatchedFile<AccessRules> rules = new WatchedFile<>(file, RulesFile::read, WatchedFile.OnInvalid.KEEP_LAST,
        "rules file", log::add);
    assertThat(rules.current().allowed("a", "x")).containsExactly(Action.PULL);

    Files.writeString(file, "rules:\n  - repositories: [\"**\"]\n    users: [\"*\"]\n    actions: [pull, pushh]\n");
    rules.reloadIfChanged();
    rules.reloadIfChanged();
    assertThat(rules.current().allowed("a", "x")).containsExactly(Action.PULL);
    assertThat(log).hasSize(1);
    assertThat(log.getFirst()).startsWith("warning: rules file " + file + " is invalid, keeping the previous version: ")
        .contains("unknown action 'pushh'").doesNotContain("\n");

    Files.writeString(file, "rules:\n  - repositories: [\"**\"]\n    users: [\"*\"]\n    actions: [pull, push]\n");
    rules.reloadIfChanged();
    assertThat(rules.current().allowed("a", "x")).containsExactlyInAnyOrder(Action.PULL, Action.PUSH);
  }
}
