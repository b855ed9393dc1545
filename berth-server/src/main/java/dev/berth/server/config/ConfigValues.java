package dev.berth.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The raw values of a set of {@link Setting}s, merged from their sources: built-in defaults, then
 * the YAML file, then {@code BERTH_…} environment variables, then flags (each overrides the ones
 * before). Values stay text with their {@link Origin} until a typed getter parses them, so every
 * error names the flag, the variable or the file and key it came from.
 */
public final class ConfigValues {
  /** A text value or a list of them, and where it came from. */
  public record Value(String text, List<String> items, Origin origin) {
    public static Value of(String text, Origin origin) {
      return new Value(text, null, origin);
    }

    public static Value list(List<String> items, Origin origin) {
      return new Value(null, List.copyOf(items), origin);
    }
  }

  private final List<Setting> settings;
  private final Map<String, Value> values;
  private final Path file;

  private ConfigValues(List<Setting> settings, Map<String, Value> values, Path file) {
    this.settings = settings;
    this.values = values;
    this.file = file;
  }

  /**
   * Merges the sources.
   *
   * @param file the YAML file, or null
   * @param env the process environment; unknown {@code BERTH_} variables whose names start like a
   *     section of the file ({@code BERTH_HTTP_…}) are refused, so a typo is not silently ignored
   * @param flags values given on the command line, by key
   */
  public static ConfigValues load(List<Setting> settings, Path file, Map<String, String> env, Map<String, Value> flags) {
    Map<String, Setting> byKey = new LinkedHashMap<>();
    settings.forEach(s -> byKey.put(s.key(), s));
    Map<String, Value> values = new LinkedHashMap<>();
    for (Setting s : settings) {
      if (s.defaultText() != null) {
        values.put(s.key(), Value.of(s.defaultText(), Origin.defaults(s.key())));
      }
    }
    if (file != null) {
      values.putAll(readFile(file, byKey));
    }
    Set<String> sections = new TreeSet<>();
    for (Setting s : settings) {
      if (s.key().contains(".")) {
        sections.add(Setting.ENV_PREFIX + s.key().substring(0, s.key().indexOf('.')).toUpperCase(java.util.Locale.ROOT) + "_");
      }
    }
    Map<String, Setting> byEnv = new LinkedHashMap<>();
    settings.forEach(s -> byEnv.put(s.env(), s));
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
      Setting s = byEnv.get(e.getKey());
      if (s == null) {
        if (sections.stream().anyMatch(e.getKey()::startsWith)) {
          throw new ConfigException("unknown setting " + e.getKey() + " in the environment (see berth serve --print-config"
              + " for the settings and their variables)");
        }
        continue;
      }
      Origin origin = Origin.env(e.getKey());
      if (s.list()) {
        List<String> items = new ArrayList<>();
        for (String item : e.getValue().split(",")) {
          if (!item.isBlank()) {
            items.add(item.strip());
          }
        }
        values.put(s.key(), Value.list(items, origin));
      } else {
        values.put(s.key(), Value.of(e.getValue(), origin));
      }
    }
    values.putAll(flags);
    return new ConfigValues(List.copyOf(settings), values, file);
  }

  /** The same values, with {@code text} as the default of {@code key} when no source set it. */
  public ConfigValues withDefault(String key, String text) {
    if (values.containsKey(key)) {
      return this;
    }
    Map<String, Value> more = new LinkedHashMap<>(values);
    more.put(key, Value.of(text, Origin.defaults(key)));
    return new ConfigValues(settings, more, file);
  }

  /** The config file these values were read from, or null. */
  public Path file() {
    return file;
  }

  public List<Setting> settings() {
    return settings;
  }

  /** The value of {@code key}, or null when unset. */
  public Value get(String key) {
    return values.get(key);
  }

  public boolean isSet(String key) {
    return values.containsKey(key);
  }

  /** Reads the YAML file into values by key; the file's shape is checked against the settings. */
  static Map<String, Value> readFile(Path file, Map<String, Setting> byKey) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, Value> out = new LinkedHashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(bytes)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return out; // an empty file sets nothing
      }
      if (t != JsonToken.START_OBJECT) {
        throw new ConfigException("config file " + file + " (line " + line(p) + "): expected keys such as 'http:'"
            + " and 'storage:' at the top");
      }
      readSection(p, "", file, byKey, out);
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation();
      throw new ConfigException("config file " + file + " is not valid YAML" + (where == null ? "" : " (line "
          + where.getLineNr() + ")") + ": " + e.getOriginalMessage().lines().findFirst().orElse("").strip());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return out;
  }

  private static void readSection(JsonParser p, String prefix, Path file, Map<String, Setting> byKey,
      Map<String, Value> out) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
      String name = p.currentName();
      String key = prefix.isEmpty() ? name : prefix + "." + name;
      int line = line(p);
      Origin origin = Origin.file(key, file, line);
      JsonToken v = p.nextToken();
      Setting setting = byKey.get(key);
      boolean section = byKey.keySet().stream().anyMatch(k -> k.startsWith(key + "."));
      if (setting == null && !section) {
        throw new ConfigException("unknown key " + key + " in " + file + " (line " + line + ")" + suggestion(key, byKey));
      }
      if (out.containsKey(key)) {
        throw new ConfigException("key " + key + " appears twice in " + file + " (line " + line + ")");
      }
      if (v == JsonToken.START_OBJECT) {
        if (!section) {
          throw new ConfigException(origin.describe() + ": expected a value, found a section");
        }
        readSection(p, key, file, byKey, out);
      } else if (section) {
        if (v != JsonToken.VALUE_NULL) {
          throw new ConfigException(origin.describe() + ": expected a section (keys below it), found a value");
        }
      } else if (v == JsonToken.VALUE_NULL) {
        continue; // "key:" with nothing: unset, as if absent
      } else if (v == JsonToken.START_ARRAY) {
        if (!setting.list()) {
          throw new ConfigException(origin.describe() + ": expected one value, found a list");
        }
        List<String> items = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
            throw new ConfigException(origin.describe() + ": expected a list of values");
          }
          items.add(p.getText());
        }
        out.put(key, Value.list(items, origin));
      } else {
        String text = p.getText();
        out.put(key, setting.list() ? Value.list(List.of(text), origin) : Value.of(text, origin));
      }
    }
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  /** " (did you mean http.addr?)" for a key one edit away from a known one. */
  private static String suggestion(String key, Map<String, Setting> byKey) {
    for (String known : byKey.keySet()) {
      if (closeEnough(key, known)) {
        return " (did you mean " + known + "?)";
      }
    }
    return "";
  }

  private static boolean closeEnough(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    Arrays.setAll(prev, i -> i);
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()] <= 2;
  }
}
