package dev.berth.client.store;

import dev.berth.model.Digest;

/** A blob now in the store, with its verified digest and size. */
public record StoredBlob(Digest digest, long size) {}
