package dev.berth.client.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** A parsed image index (OCI index or Docker manifest list): the per-platform manifests. */
public record ImageIndex(List<Descriptor> manifests) {

  /** The platform Berth pulls out of a multi-arch index when it cannot take all of them. */
  public static final String DEFAULT_PLATFORM = "linux/amd64";

  public static ImageIndex parse(byte[] bytes, String what) throws IOException {
    Map<String, Object> json = Json.parseObject(bytes, what);
    List<Descriptor> manifests = new ArrayList<>();
    for (Object m : Json.array(json, "manifests")) {
      manifests.add(Descriptor.fromJson(m, what));
    }
    return new ImageIndex(List.copyOf(manifests));
  }

  /**
   * linux/amd64 when present, else the first entry that is not an attestation (buildkit stores
   * provenance as {@code unknown/unknown} entries), else the first.
   */
  public Optional<Descriptor> choosePlatform() {
    return first(d -> DEFAULT_PLATFORM.equals(d.platformName()))
        .or(() -> first(d -> d.annotation("vnd.docker.reference.type") == null
            && !"unknown/unknown".equals(d.platformName())))
        .or(() -> manifests.stream().findFirst());
  }

  /** The first entry (of this platform choice order) that satisfies {@code present}. */
  public Optional<Descriptor> choosePresent(Predicate<Descriptor> present) {
    Optional<Descriptor> preferred = choosePlatform().filter(present);
    return preferred.isPresent() ? preferred : first(present);
  }

  private Optional<Descriptor> first(Predicate<Descriptor> p) {
    return manifests.stream().filter(p).findFirst();
  }
}
