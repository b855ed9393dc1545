package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.server.http.Exchange;
import dev.berth.server.storage.UploadStore;
import io.vertx.core.Future;

/** Shared by the monolithic POST and the closing PUT: take an optional last chunk, then verify. */
final class UploadCompletion {
  private UploadCompletion() {}

  /**
   * Streams the body (if any) into session {@code id}, then completes it against {@code digest}
   * on a worker thread (fsync, hash check, rename into the blob store, link).
   */
  static void receiveAndComplete(Exchange ex, String id, Long start, Digest digest) {
    String repository = ex.repository();
    UploadStore uploads = ex.storage().uploads();
    Future<Long> received;
    if (ex.hasBody()) {
      received = ex.blocking(() -> uploads.openWriter(repository, id, start))
          .compose(ex::streamBody);
    } else {
      received = Future.succeededFuture(0L);
    }
    received
        .compose(n -> ex.blocking(() -> uploads.complete(repository, id, digest)))
        .onSuccess(size -> BlobCreated.send(ex, digest))
        .onFailure(ex::fail);
  }

  static Long contentRangeStart(Exchange ex) {
    String header = ex.request().getHeader("Content-Range");
    if (header == null) {
      return null;
    }
    long[] range = ContentRange.parse(header);
    long length = ex.contentLength();
    if (length >= 0 && length != range[1] - range[0] + 1) {
      throw new dev.berth.server.http.HttpError(dev.berth.model.ErrorCode.RANGE_INVALID,
          "Content-Range " + header + " does not match Content-Length " + length);
    }
    return range[0];
  }
}
