package dev.berth.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Berth's own version (the Maven project version, filtered into {@code version.properties} at
 * build time): what {@code berth version} prints and what {@code berth serve} names in its
 * {@value #HEADER} response header.
 */
public final class BerthVersion {
  /** The response header by which a Berth registry names its version (absent elsewhere). */
  public static final String HEADER = "Berth-Version";

  public static final String VERSION = read();

  private static String read() {
    try (InputStream in = BerthVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  private BerthVersion() {}
}
