package dev.berth.client.store;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Manifest;
import dev.berth.model.Digest;
import dev.berth.model.Reference;

/**
 * One line of {@code berth images}: a name (null for a dangling image), the index.json entry it
 * points at (a manifest or a multi-arch index), and the platform manifest Berth has locally.
 *
 * @param target the index.json entry: what the name points at and what push/save send
 * @param manifestDescriptor the platform manifest: equal to {@code target} unless target is an index
 */
public record StoredImage(Reference name, Descriptor target, Descriptor manifestDescriptor, Manifest manifest) {

  /** docker's image ID: the config digest. */
  public Digest id() {
    return manifest.config().digest();
  }

  public boolean isIndex() {
    return !target.digest().equals(manifestDescriptor.digest());
  }
}
