package dev.berth.client.archive;

import dev.berth.client.store.StoredImage;
import dev.berth.model.Reference;

/** One image a load added, named (docker prints {@code Loaded image: NAME}) or not. */
public record LoadedImage(Reference name, StoredImage image) {
  /** The line docker load prints for it. */
  public String message() {
    return name != null ? "Loaded image: " + name.familiar() : "Loaded image ID: " + image.id();
  }
}
