package dev.berth.client.archive;

import dev.berth.client.image.Json;
import dev.berth.client.store.StoreException;
import dev.berth.model.Digest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Makes a gzipped archive a plain tar (the loader needs random access) without letting a small
 * file expand into a huge one: only members the archive's own metadata can ask for are written,
 * and a blob member larger than every descriptor naming it is refused before a byte of it is.
 *
 * <p>Two passes over the compressed stream, since the metadata usually comes last:
 * <ol>
 *   <li>read every member's header and keep, in memory, the members that are JSON (index.json,
 *       manifest.json, manifests, indexes, configs: at most 16 MiB each, 64 MiB in all);</li>
 *   <li>write what they name: the layout files, each descriptor's {@code blobs/ALG/HEX} (at most
 *       its declared size), each path a docker {@code manifest.json} lists, and the target of a
 *       symbolic link among those. Everything else is skipped.</li>
 * </ol>
 * The loader then checks every blob exactly (digest and size) as it copies it into the store.
 * Decompressing twice costs CPU, never disk.
 */
final class GzipArchive {
  private static final int MAX_ENTRIES = 100_000;
  private static final int MAX_JSON = 16 * 1024 * 1024;
  private static final long MAX_METADATA = 64L * 1024 * 1024;
  private static final Set<String> LAYOUT_FILES = Set.of("oci-layout", "index.json", "manifest.json", "repositories");

  private final Path gz;
  private final String name;
  private final Set<String> paths = new HashSet<>(LAYOUT_FILES);
  /** blobs/ALG/HEX → the largest size a descriptor declares for it. */
  private final Map<String, Long> declared = new HashMap<>();
  private final Map<String, String> symlinks = new HashMap<>();

  private GzipArchive(Path gz, String name) {
    this.gz = gz;
    this.name = name;
  }

  static boolean isGzip(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  /** Writes the plain tar of what {@code gz} (described as {@code name} in errors) can need to {@code out}. */
  static void expand(Path gz, String name, OutputStream out) throws IOException {
    GzipArchive archive = new GzipArchive(gz, name);
    archive.scan();
    archive.copyNeeded(out);
  }

  private TarArchiveInputStream open() throws IOException {
    return new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(gz), 64 * 1024));
  }

  private void scan() throws IOException {
    long metadata = 0;
    int count = 0;
    try (TarArchiveInputStream tar = open()) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (++count > MAX_ENTRIES) {
          throw refused("it has more than " + MAX_ENTRIES + " members");
        }
        String path = Source.normalise(e.getName());
        if (e.isSymbolicLink()) {
          symlinks.put(path, e.getLinkName());
        }
        if (!e.isFile() || e.isSymbolicLink() || e.isLink() || e.getSize() > MAX_JSON) {
          continue;
        }
        byte[] head = tar.readNBytes(64);
        if (!startsLikeJson(head)) {
          continue;
        }
        metadata += e.getSize();
        if (metadata > MAX_METADATA) {
          throw refused("it holds more than 64 MiB of JSON metadata");
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream((int) e.getSize());
        content.write(head);
        content.write(tar.readNBytes(MAX_JSON));
        collectReferences(path, content.toByteArray());
      }
    } catch (StoreException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreException("cannot load " + name + ": it is not a readable gzipped tar archive: " + e.getMessage());
    }
    // a needed path may be a link to the member that holds the content (docker's legacy layout)
    for (String path : List.copyOf(needed())) {
      String link = symlinks.get(path);
      String target = link == null ? null : Source.join(path, link);
      if (target != null) {
        paths.add(target);
        Long max = declared.get(path);
        if (max != null) {
          declared.merge(target, max, Math::max);
        }
      }
    }
  }

  private Set<String> needed() {
    Set<String> all = new HashSet<>(paths);
    all.addAll(declared.keySet());
    return all;
  }

  private static boolean startsLikeJson(byte[] head) {
    for (byte b : head) {
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
        continue;
      }
      return b == '{' || b == '[';
    }
    return false;
  }

  /** Descriptors anywhere in a JSON document, and the paths a docker manifest.json lists. */
  private void collectReferences(String path, byte[] json) {
    Object doc;
    try {
      doc = path.equals("manifest.json") ? Json.parseArray(json, path) : Json.parseObject(json, path);
    } catch (IOException e) {
      return; // not JSON after all (or not ours): it names nothing
    }
    walk(doc);
    if (path.equals("manifest.json")) {
      for (Object item : (List<?>) doc) {
        if (item instanceof Map<?, ?> entry) {
          if (entry.get("Config") instanceof String config) {
            paths.add(Source.normalise(config));
          }
          if (entry.get("Layers") instanceof List<?> layers) {
            layers.stream().filter(String.class::isInstance).map(l -> Source.normalise((String) l)).forEach(paths::add);
          }
        }
      }
    }
  }

  private void walk(Object node) {
    if (node instanceof Map<?, ?> map) {
      if (map.get("digest") instanceof String d && Digest.isValid(d) && map.get("size") instanceof Number size
          && size.longValue() >= 0) {
        Digest digest = Digest.parse(d);
        declared.merge(ArchiveLoader.blobPath(digest), size.longValue(), Math::max);
      }
      map.values().forEach(this::walk);
    } else if (node instanceof List<?> list) {
      list.forEach(this::walk);
    }
  }

  private void copyNeeded(OutputStream target) throws IOException {
    Set<String> needed = needed();
    TarArchiveOutputStream out = new TarArchiveOutputStream(target);
    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    try (TarArchiveInputStream tar = open()) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String path = Source.normalise(e.getName());
        if (e.isDirectory() || !needed.contains(path)) {
          continue;
        }
        Long max = declared.get(path);
        if (max != null && e.getSize() > max) {
          throw refused(path + " has " + e.getSize() + " bytes but its descriptor declares " + max);
        }
        TarArchiveEntry copy = new TarArchiveEntry(path, e.getLinkFlag());
        if (e.isSymbolicLink() || e.isLink()) {
          copy.setLinkName(e.getLinkName()); // the loader follows or refuses it
        } else {
          copy.setSize(e.getSize());
        }
        out.putArchiveEntry(copy);
        if (copy.getSize() > 0) {
          tar.transferTo(out);
        }
        out.closeArchiveEntry();
      }
    }
    out.finish();
    out.flush();
  }

  private StoreException refused(String why) {
    return new StoreException("cannot load " + name + ": " + why);
  }
}
