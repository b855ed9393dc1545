package dev.berth.client.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** A parsed image index (OCI index or Docker manifest list): the per-platform manifests. */
public record ImageIndex(List<Descriptor> manifests) {

  public static ImageIndex parse(byte[] bytes, String what) throws IOException {
    Map<String, Object> json = Json.parseObject(bytes, what);
    List<Descriptor> manifests = new ArrayList<>();
    for (Object m : Json.array(json, "manifests")) {
      manifests.add(Descriptor.fromJson(m, what));
    }
    return new ImageIndex(List.copyOf(manifests));
  }

  /** The first entry for {@code platform}, as docker picks one for {@code --platform}. */
  public Optional<Descriptor> select(Platform platform) {
    return first(d -> platform.matches(d.platform()));
  }

  /**
   * This machine's platform when present, else the first entry that is not an attestation
   * (buildkit stores provenance as {@code unknown/unknown} entries), else the first: the image
   * Berth shows for an index it holds.
   */
  public Optional<Descriptor> choosePlatform() {
    return select(Platform.current())
        .or(() -> first(d -> !isAttestation(d)))
        .or(() -> manifests.stream().findFirst());
  }

  /** The first entry (of this platform choice order) that satisfies {@code present}. */
  public Optional<Descriptor> choosePresent(Predicate<Descriptor> present) {
    Optional<Descriptor> preferred = choosePlatform().filter(present);
    return preferred.isPresent() ? preferred : first(present);
  }

  /** buildkit's provenance and SBOM entries: {@code unknown/unknown}, or a reference-type annotation. */
  public static boolean isAttestation(Descriptor d) {
    return d.annotation("vnd.docker.reference.type") != null || "unknown/unknown".equals(d.platformName());
  }

  /**
   * docker's error for a platform the index does not offer, naming what it has: {@code no matching
   * manifest for P in the manifest list entries of NAME (it has: linux/amd64, …}, for the caller to
   * end with its hint and {@code )}.
   */
  public String noMatch(Object platform, String name) {
    return "no matching manifest for " + platform + " in the manifest list entries of " + name + " (it has: "
        + platformNames();
  }

  /** The platforms the index offers, for errors: {@code linux/amd64, linux/arm64/v8}. */
  public String platformNames() {
    List<String> names = new ArrayList<>();
    for (Descriptor d : manifests) {
      if (d.platformName() != null && !isAttestation(d)) {
        names.add(d.platformName());
      }
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  private Optional<Descriptor> first(Predicate<Descriptor> p) {
    return manifests.stream().filter(p).findFirst();
  }
}
