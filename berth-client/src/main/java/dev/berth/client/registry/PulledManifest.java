package dev.berth.client.registry;

import dev.berth.model.Digest;

/** A manifest's exact bytes as the registry sent them, their media type, and their verified digest. */
public record PulledManifest(byte[] content, String mediaType, Digest digest) {}
