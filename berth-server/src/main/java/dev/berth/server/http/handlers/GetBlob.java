package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.model.ErrorCode;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.HttpError;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.storage.StorageException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code GET|HEAD /v2/<name>/blobs/<digest>} (end-2): the bytes via zero-copy {@code sendfile},
 * with a single {@code Range} answered by 206.
 *
 * <p>The link lookup runs on the event loop on purpose: it is a stat and a 71-byte read from the
 * page cache, cheaper than a hop to a worker thread, and this is the hottest path of a registry.
 * Small blobs (configs, tiny layers) are read the same way and written with the headers in one
 * go: {@code sendfile} costs an open, a stat, a close and a second syscall per response, which
 * for a few KiB is more than copying them.
 */
public final class GetBlob implements RegistryHandler {
  /** Up to this size a blob is sent from memory; larger ones go zero-copy. */
  static final long SMALL = 64 * 1024;

  @Override
  public void handle(Exchange ex) {
    Digest digest = ex.digestParam();
    Path file = ex.storage().blobs().path(ex.repository(), digest);
    long size = ex.storage().blobStore().size(digest);
    HttpServerResponse response = ex.response()
        .putHeader("Docker-Content-Digest", digest.toString())
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Accept-Ranges", "bytes")
        .putHeader("ETag", "\"" + digest + "\"");
    long offset = 0;
    long length = size;
    String range = ex.request().getHeader("Range");
    if (range != null) {
      long[] r = parseRange(range, size);
      offset = r[0];
      length = r[1] - r[0] + 1;
      response.setStatusCode(206)
          .putHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
    }
    if (ex.isHead()) {
      response.putHeader("Content-Length", Long.toString(length)).end();
      return;
    }
    if (size <= SMALL) {
      byte[] bytes = readSmall(file, digest);
      if (bytes.length == size) {
        response.end(Buffer.buffer(bytes).slice((int) offset, (int) (offset + length)));
        return;
      }
      // changed under us (cannot happen to content-addressed files): fall back to the file
    }
    ex.sendFile(file, offset, length).onFailure(e -> {
      if (!response.headWritten()) {
        ex.fail(e);
      }
    });
  }

  private static byte[] readSmall(Path file, Digest digest) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StorageException(StorageException.Reason.BLOB_UNKNOWN, "blob unknown: " + digest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + digest + ": " + e.getMessage(), e);
    }
  }

  /** {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} → inclusive {start, end}; else 416. */
  static long[] parseRange(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.contains(",")) {
      throw unsatisfiable(header, size);
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw unsatisfiable(header, size);
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      long start;
      long end;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(a);
        end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      }
      if (start < 0 || start > end || start >= size) {
        throw unsatisfiable(header, size);
      }
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      throw unsatisfiable(header, size);
    }
  }

  private static HttpError unsatisfiable(String header, long size) {
    return new HttpError(ErrorCode.RANGE_INVALID, 416, "unsatisfiable range: " + header, null,
        Map.of("Content-Range", "bytes */" + size));
  }
}
