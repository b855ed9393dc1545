package dev.berth.server.http.handlers;

import dev.berth.model.ErrorCode;
import dev.berth.server.http.HttpError;

/** The {@code Content-Range} of a chunk: {@code <start>-<end>} (inclusive), maybe with "bytes ". */
final class ContentRange {
  private ContentRange() {}

  static long[] parse(String header) {
    String h = header.trim();
    if (h.startsWith("bytes ")) {
      h = h.substring(6).trim();
    }
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    int dash = h.indexOf('-');
    try {
      long start = Long.parseLong(h.substring(0, dash));
      long end = Long.parseLong(h.substring(dash + 1));
      if (start < 0 || end < start) {
        throw new NumberFormatException();
      }
      return new long[] {start, end};
    } catch (RuntimeException e) {
      throw new HttpError(ErrorCode.RANGE_INVALID, "invalid Content-Range: " + header);
    }
  }
}
