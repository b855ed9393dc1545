package dev.berth.server.storage;

import dev.berth.model.Digest;

/** A manifest as stored: its exact bytes, their digest and its media type. */
public record StoredManifest(Digest digest, String mediaType, byte[] content) {}
