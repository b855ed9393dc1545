package dev.berth.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A piece of an upload body as Netty read it, in its pooled direct buffer, disguised so that
 * Vert.x hands it over as is. Vert.x copies every body piece from a pooled buffer into a new heap
 * array (so that nobody has to release it): a GiB pushed is a GiB of garbage, and the file write
 * then copies it once more into a direct buffer. This view shares the pooled memory instead
 * (Vert.x passes through buffers that do not come from a pooled allocator) and the
 * {@link UploadPipe} releases it to the pool once both of its stages are done with it.
 */
final class TappedBody extends UnpooledDirectByteBuf {
  private final ByteBuf pooled;
  private final AtomicInteger readers = new AtomicInteger(2);
  private final AtomicBoolean freed = new AtomicBoolean();
  private final UploadPipe pipe;
  /** Identity for the pipe's bookkeeping (a ByteBuf's equals and hashCode read its content). */
  final long id;

  /** {@code pooled} must be direct with one NIO buffer; this view takes over its reference. */
  TappedBody(ByteBuf pooled, UploadPipe pipe, long id) {
    // Not freeing on release: the memory belongs to the pool; free() gives it back.
    super(UnpooledByteBufAllocator.DEFAULT, pooled.nioBuffer(), pooled.readableBytes());
    this.pooled = pooled;
    this.pipe = pipe;
    this.id = id;
  }

  /** One of the two pipe stages is done reading; the second one gives the memory back. */
  void readBy() {
    if (readers.decrementAndGet() == 0) {
      free();
    }
  }

  /** Gives the memory back to the pool, once, whoever asks first. */
  void free() {
    if (freed.compareAndSet(false, true)) {
      pipe.untrack(this);
      pooled.release();
    }
  }
}
