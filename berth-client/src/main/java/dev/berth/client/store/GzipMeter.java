package dev.berth.client.store;

import java.util.OptionalLong;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Counts what a gzip stream unpacks to, fed piece by piece as a layer is written, so that a pulled
 * layer's unpacked size is known when its last byte arrives. Measuring afterwards read every layer
 * back (from the disk: pulled blobs are written around the page cache) and inflated them one after
 * another: for 1 GiB, most of a second after the download.
 *
 * <p>It reads what {@code GZIPInputStream} reads: members one after another, each a header, a
 * deflate stream and a trailer whose CRC-32 and length must match (and a header CRC, when there
 * is one); bytes after a member that do not start a valid header end the stream and are ignored. Anything it cannot follow (not gzip, corrupt data,
 * a header over 1 MiB) makes it give up: {@link #unpackedSize()} is then empty and the size is
 * measured the old way, which reports the error.
 */
final class GzipMeter implements AutoCloseable {
  private static final int MAX_HEADER = 1 << 20;
  private static final int HEADER_STEP = 1024;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private enum State { HEADER, DEFLATE, TRAILER, IGNORING, FAILED }

  private final Inflater inflater = new Inflater(true);
  /** Of this member's unpacked bytes, checked against its trailer as GZIPInputStream checks it. */
  private final CRC32 crc = new CRC32();
  private final byte[] discard = new byte[64 * 1024];
  /** Header or trailer bytes received so far. */
  private byte[] pending = new byte[64];
  private int pendingLength;
  private State state = State.HEADER;
  private long total;
  private long member;
  private boolean sawMember;

  void update(byte[] b, int off, int len) {
    while (len > 0) {
      int used = switch (state) {
        case HEADER -> header(b, off, len);
        case DEFLATE -> inflate(b, off, len);
        case TRAILER -> trailer(b, off, len);
        case IGNORING, FAILED -> len;
      };
      off += used;
      len -= used;
    }
  }

  /** The unpacked size of all that was fed, if it was a complete gzip stream. */
  OptionalLong unpackedSize() {
    boolean ended = sawMember && (state == State.HEADER || state == State.IGNORING);
    return ended ? OptionalLong.of(total) : OptionalLong.empty();
  }

  /** Back to the start (the blob is being written again from its first byte). */
  void reset() {
    inflater.reset();
    state = State.HEADER;
    pendingLength = 0;
    total = 0;
    member = 0;
    sawMember = false;
  }

  @Override
  public void close() {
    inflater.end();
  }

  private int header(byte[] b, int off, int len) {
    int take = Math.min(Math.min(len, HEADER_STEP), MAX_HEADER - pendingLength);
    if (take == 0) {
      state = State.FAILED;
      return len;
    }
    keep(b, off, take);
    int length = headerLength();
    if (length == INVALID) {
      // after a member, what is not a header is trailing garbage, as GZIPInputStream sees it
      state = sawMember ? State.IGNORING : State.FAILED;
      return len;
    }
    if (length == INCOMPLETE) {
      return take;
    }
    int beyond = pendingLength - length; // bytes just kept that belong to the deflate stream
    pendingLength = 0;
    inflater.reset();
    crc.reset();
    member = 0;
    state = State.DEFLATE;
    return take - beyond;
  }

  private static final int INCOMPLETE = -1;
  private static final int INVALID = -2;

  /** The length of the header in {@link #pending}, or {@link #INCOMPLETE} or {@link #INVALID}. */
  private int headerLength() {
    byte[] p = pending;
    int n = pendingLength;
    if ((n > 0 && p[0] != (byte) 0x1f) || (n > 1 && p[1] != (byte) 0x8b) || (n > 2 && p[2] != 8)) {
      return INVALID;
    }
    if (n < 10) {
      return INCOMPLETE;
    }
    int flags = p[3] & 0xff;
    int pos = 10;
    if ((flags & FEXTRA) != 0) {
      if (n < pos + 2) {
        return INCOMPLETE;
      }
      pos += 2 + ((p[pos] & 0xff) | (p[pos + 1] & 0xff) << 8);
    }
    for (int field : new int[] {FNAME, FCOMMENT}) {
      if ((flags & field) != 0) {
        int zero = pos;
        while (zero < n && p[zero] != 0) {
          zero++;
        }
        if (zero >= n) {
          return INCOMPLETE;
        }
        pos = zero + 1;
      }
    }
    if ((flags & FHCRC) != 0) {
      if (n < pos + 2) {
        return INCOMPLETE;
      }
      CRC32 header = new CRC32();
      header.update(p, 0, pos);
      if ((header.getValue() & 0xffff) != ((p[pos] & 0xff) | (p[pos + 1] & 0xff) << 8)) {
        return INVALID;
      }
      pos += 2;
    }
    return n >= pos ? pos : INCOMPLETE;
  }

  private int inflate(byte[] b, int off, int len) {
    inflater.setInput(b, off, len);
    try {
      while (true) {
        int k = inflater.inflate(discard);
        crc.update(discard, 0, k);
        member += k;
        total += k;
        if (inflater.finished()) {
          state = State.TRAILER;
          return len - inflater.getRemaining();
        }
        if (k == 0) {
          if (!inflater.needsInput()) {
            state = State.FAILED; // a preset dictionary: not gzip
          }
          return len;
        }
      }
    } catch (DataFormatException e) {
      state = State.FAILED;
      return len;
    }
  }

  private int trailer(byte[] b, int off, int len) {
    int take = Math.min(len, 8 - pendingLength);
    keep(b, off, take);
    if (pendingLength == 8) {
      if (littleEndian32(pending, 0) != crc.getValue() || littleEndian32(pending, 4) != (member & 0xffffffffL)) {
        state = State.FAILED;
        return len;
      }
      sawMember = true;
      pendingLength = 0;
      state = State.HEADER;
    }
    return take;
  }

  private static long littleEndian32(byte[] b, int at) {
    return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
  }

  private void keep(byte[] b, int off, int len) {
    if (pendingLength + len > pending.length) {
      pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + len));
    }
    System.arraycopy(b, off, pending, pendingLength, len);
    pendingLength += len;
  }
}
