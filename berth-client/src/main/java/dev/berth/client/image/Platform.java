package dev.berth.client.image;

import java.util.Locale;
import java.util.Map;

/**
 * An image platform, {@code os/architecture[/variant]} as docker's {@code --platform} writes it.
 * Architectures are normalised as docker does ({@code x86_64} is {@code amd64}, {@code aarch64}
 * is {@code arm64}); for arm64 the variant {@code v8} is the default, so {@code linux/arm64}
 * matches an entry with variant {@code v8} or none.
 */
public record Platform(String os, String architecture, String variant) {

  public Platform {
    os = os.toLowerCase(Locale.ROOT);
    architecture = normaliseArchitecture(architecture.toLowerCase(Locale.ROOT));
    variant = variant == null || variant.isEmpty() ? null : variant.toLowerCase(Locale.ROOT);
  }

  /**
   * {@code linux/amd64}, {@code linux/arm64/v8}, {@code linux/arm/v7}.
   *
   * @throws IllegalArgumentException naming the value
   */
  public static Platform parse(String text) {
    String[] parts = text.strip().split("/", -1);
    if (parts.length < 2 || parts.length > 3 || !text.strip().matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){1,2}")) {
      throw new IllegalArgumentException("invalid platform: " + text + " (expected os/arch[/variant], such as linux/amd64)");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** This machine's platform, as docker would pick it. */
  public static Platform current() {
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    os = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "darwin" : os;
    String arch = normaliseArchitecture(System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT));
    return new Platform(os, arch, arch.equals("arm") ? "v7" : null);
  }

  private static String normaliseArchitecture(String arch) {
    return switch (arch) {
      case "x86_64", "x86-64", "x64" -> "amd64";
      case "aarch64" -> "arm64";
      case "i386", "i486", "i586", "i686", "x86" -> "386";
      case "armhf", "armel" -> "arm";
      default -> arch;
    };
  }

  /** Whether an index entry's {@code platform} object is this platform. */
  public boolean matches(Map<String, Object> platform) {
    if (platform == null || !(platform.get("os") instanceof String o) || !(platform.get("architecture") instanceof String a)) {
      return false;
    }
    Platform other = new Platform(o, a, platform.get("variant") instanceof String v ? v : null);
    if (!os.equals(other.os) || !architecture.equals(other.architecture)) {
      return false;
    }
    if (variant == null) {
      return true;
    }
    return normalVariant(variant).equals(normalVariant(other.variant));
  }

  private String normalVariant(String v) {
    if (architecture.equals("arm64") && (v == null || v.equals("v8"))) {
      return "v8";
    }
    return v == null ? "" : v;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
