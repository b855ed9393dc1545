package dev.berth.server.auth.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.server.auth.Action;
import dev.berth.server.storage.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The access rules file (YAML). Every mistake is refused with the file, the place and the reason,
 * including unknown keys, so a typo never silently grants or withholds access.
 *
 * <pre>
 * groups:
 *   admins: [admin]
 * rules:
 *   - repositories: ["**"]        # globs: * within a path component, ** across
 *     users: ["*"]                # user names; "*" is every authenticated user
 *     actions: [pull, push]
 *   - repositories: ["**"]
 *     groups: [admins]
 *     actions: [pull, push, delete]
 *   - repositories: ["public/**"]
 *     anonymous: true             # clients without credentials too
 *     actions: [pull]
 * </pre>
 */
public final class RulesFile {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** What a first start writes: the documented defaults plus delete for the admin group. */
  public static final String DEFAULT_CONTENT = """
      # Berth access rules: who may do what, per repository.
      # Edits apply within a second, without a restart; a file that does not parse keeps the last
      # good rules in force (the server log says why). A request is allowed when any rule allows it.
      #   repositories: glob patterns; * stays within one path component, ** crosses them
      #   users:        user names, or "*" for every authenticated user
      #   groups:       group names from the groups section
      #   anonymous:    true applies the rule to clients without credentials too
      #   actions:      pull, push, delete
      groups:
        admins: [admin]
      rules:
        - repositories: ["**"]
          users: ["*"]
          actions: [pull, push]
        - repositories: ["**"]
          groups: [admins]
          actions: [pull, push, delete]
        # Anonymous pull of public/ repositories:
        # - repositories: ["public/**"]
        #   anonymous: true
        #   actions: [pull]
      """;

  private RulesFile() {}

  /** Writes {@link #DEFAULT_CONTENT} when {@code file} does not exist. @return whether it did */
  public static boolean ensureDefault(Path file) {
    if (Files.exists(file)) {
      return false;
    }
    AtomicFiles.write(file, DEFAULT_CONTENT.getBytes(StandardCharsets.UTF_8));
    return true;
  }

  /** @throws IllegalArgumentException naming the file, the place and the reason */
  public static AccessRules read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("rules file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read rules file " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), bytes);
  }

  static AccessRules parse(String name, byte[] bytes) {
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (JsonProcessingException e) {
      var where = e.getLocation();
      throw new IllegalArgumentException("rules file " + name
          + (where != null ? " line " + where.getLineNr() + " column " + where.getColumnNr() : "")
          + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read rules file " + name + ": " + e.getMessage());
    }
    Parser p = new Parser(name);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new AccessRules(Map.of(), List.of()); // an empty file: nothing is allowed
    }
    p.expectKeys(root, "", Set.of("groups", "rules"));
    Map<String, Set<String>> groupsByUser = new HashMap<>();
    Set<String> groupNames = new HashSet<>();
    JsonNode groups = root.path("groups");
    if (!groups.isMissingNode() && !groups.isNull()) {
      if (!groups.isObject()) {
        throw p.error("groups", "expected a map of group name to a list of user names");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = groups.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> g = it.next();
        groupNames.add(g.getKey());
        for (String user : p.strings(g.getValue(), "groups." + g.getKey())) {
          groupsByUser.computeIfAbsent(user, u -> new HashSet<>()).add(g.getKey());
        }
      }
    }
    List<AccessRules.Rule> rules = new ArrayList<>();
    JsonNode list = root.path("rules");
    if (!list.isMissingNode() && !list.isNull()) {
      if (!list.isArray()) {
        throw p.error("rules", "expected a list of rules");
      }
      for (int i = 0; i < list.size(); i++) {
        rules.add(p.rule(list.get(i), "rules[" + i + "]", groupNames));
      }
    }
    return new AccessRules(groupsByUser, rules);
  }

  private record Parser(String name) {
    IllegalArgumentException error(String where, String reason) {
      return new IllegalArgumentException("rules file " + name + ": " + where + ": " + reason);
    }

    void expectKeys(JsonNode node, String where, Set<String> allowed) {
      if (!node.isObject()) {
        throw error(where.isEmpty() ? "top level" : where, "expected a map");
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!allowed.contains(key)) {
          throw error(where.isEmpty() ? key : where + "." + key,
              "unknown key (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
      }
    }

    List<String> strings(JsonNode node, String where) {
      if (node == null || node.isMissingNode() || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw error(where, "expected a list, e.g. [a, b]");
      }
      List<String> values = new ArrayList<>();
      for (JsonNode v : node) {
        if (!v.isTextual() || v.asText().isBlank()) {
          throw error(where, "expected names, found " + v);
        }
        values.add(v.asText());
      }
      return values;
    }

    AccessRules.Rule rule(JsonNode node, String where, Set<String> groupNames) {
      expectKeys(node, where, Set.of("repositories", "users", "groups", "anonymous", "actions"));
      List<RepositoryPattern> repositories = new ArrayList<>();
      for (String glob : strings(node.get("repositories"), where + ".repositories")) {
        try {
          repositories.add(RepositoryPattern.of(glob));
        } catch (IllegalArgumentException e) {
          throw error(where + ".repositories", e.getMessage());
        }
      }
      if (repositories.isEmpty()) {
        throw error(where, "no repositories: name at least one pattern (\"**\" is all)");
      }
      Set<String> users = new LinkedHashSet<>(strings(node.get("users"), where + ".users"));
      Set<String> groups = new LinkedHashSet<>(strings(node.get("groups"), where + ".groups"));
      for (String g : groups) {
        if (!groupNames.contains(g)) {
          throw error(where + ".groups", "unknown group '" + g + "' (define it under groups:)");
        }
      }
      JsonNode anon = node.get("anonymous");
      if (anon != null && !anon.isBoolean()) {
        throw error(where + ".anonymous", "expected true or false, found " + anon);
      }
      boolean anonymous = anon != null && anon.booleanValue();
      if (users.isEmpty() && groups.isEmpty() && !anonymous) {
        throw error(where, "applies to nobody: give users, groups or anonymous: true");
      }
      Set<Action> actions = EnumSet.noneOf(Action.class);
      for (String a : strings(node.get("actions"), where + ".actions")) {
        actions.add(switch (a.toLowerCase(Locale.ROOT)) {
          case "pull" -> Action.PULL;
          case "push" -> Action.PUSH;
          case "delete" -> Action.DELETE;
          default -> throw error(where + ".actions", "unknown action '" + a + "' (expected pull, push, delete)");
        });
      }
      if (actions.isEmpty()) {
        throw error(where, "no actions: give some of pull, push, delete");
      }
      return new AccessRules.Rule(repositories, users, groups, anonymous, actions);
    }
  }
}
