package dev.berth.server.config;

import java.nio.file.Path;

/**
 * Where a setting's value came from, so that an error or {@code --print-config} can name it: a
 * flag ({@code --listen}), an environment variable ({@code BERTH_HTTP_ADDR}), a key in the config
 * file ({@code http.addr in /etc/berth/berth.yml (line 3)}) or the built-in default.
 */
public record Origin(Kind kind, String name, Path file, int line) {
  public enum Kind { DEFAULT, FILE, ENV, FLAG }

  public static Origin flag(String flag) {
    return new Origin(Kind.FLAG, flag, null, 0);
  }

  public static Origin env(String variable) {
    return new Origin(Kind.ENV, variable, null, 0);
  }

  public static Origin file(String key, Path file, int line) {
    return new Origin(Kind.FILE, key, file, line);
  }

  public static Origin defaults(String key) {
    return new Origin(Kind.DEFAULT, key, null, 0);
  }

  /** How an error message names the value's place. */
  public String describe() {
    return switch (kind) {
      case FLAG, ENV -> name;
      case FILE -> name + " in " + file + (line > 0 ? " (line " + line + ")" : "");
      case DEFAULT -> "the default of " + name;
    };
  }

  /** How {@code --print-config} annotates the value. */
  String comment() {
    return switch (kind) {
      case FLAG -> "from " + name;
      case ENV -> "from $" + name;
      case FILE -> "from " + file.getFileName() + (line > 0 ? " line " + line : "");
      case DEFAULT -> "default";
    };
  }
}
