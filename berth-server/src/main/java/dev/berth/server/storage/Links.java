package dev.berth.server.storage;

import dev.berth.model.Digest;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Link files: a digest as text, replaced atomically. */
final class Links {
  private Links() {}

  static Optional<Digest> read(Path link) {
    String text;
    try {
      text = Files.readString(link, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read link " + link + ": " + e.getMessage(), e);
    }
    if (!Digest.isValid(text)) {
      // Only an outside hand can produce this (our writes are atomic): treat as absent, loudly.
      throw new IllegalStateException("corrupt link file " + link + ": " + text);
    }
    return Optional.of(Digest.parse(text));
  }

  static void write(Path link, Digest digest) {
    AtomicFiles.write(link, digest.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Removes a link and its now empty directory; absent links are fine (idempotent deletes). */
  static boolean delete(Path link) {
    try {
      boolean existed = Files.deleteIfExists(link);
      try {
        Files.deleteIfExists(link.getParent());
      } catch (java.nio.file.DirectoryNotEmptyException ignored) {
        // a temp file of a concurrent write; it will clean up after itself
      }
      if (existed) {
        AtomicWrite.syncDirectory(link.getParent().getParent());
      }
      return existed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete link " + link + ": " + e.getMessage(), e);
    }
  }
}
