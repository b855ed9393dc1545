package dev.berth.server.config;

import java.util.Locale;

/**
 * One setting of {@code berth serve}: its key in the YAML file, the flag that sets it (null when
 * none: secrets never go on a command line) and its environment variable, derived from the key
 * ({@code http.tls.auto} is {@code BERTH_HTTP_TLS_AUTO}).
 *
 * @param list whether the value is a list (a YAML sequence; comma-separated in the environment)
 * @param secret whether {@code --print-config} and errors must hide the value
 * @param defaultText the default as printed, or null for "unset" (computed or off)
 */
public record Setting(String key, String flag, boolean list, boolean secret, String defaultText) {
  public static final String ENV_PREFIX = "BERTH_";

  public String env() {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  static Setting of(String key, String flag, String defaultText) {
    return new Setting(key, flag, false, false, defaultText);
  }

  static Setting list(String key, String flag) {
    return new Setting(key, flag, true, false, null);
  }

  static Setting secret(String key) {
    return new Setting(key, null, false, true, null);
  }
}
