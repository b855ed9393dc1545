package dev.berth.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Sits in the connection's Netty pipeline, just before Vert.x, while one upload body streams in,
 * and wraps each body piece in a {@link TappedBody} so that it reaches the {@link UploadPipe}
 * without a copy. It steps aside after the body's last piece (or when the pipe stops), so the
 * next request on the connection is untouched. Pieces Vert.x received before the tap was in place
 * arrive as ordinary copies; the pipe takes both kinds, in order.
 */
final class BodyTap extends ChannelInboundHandlerAdapter {
  private static final String NAME = "berth-body-tap";
  /** Vert.x's own handler in an HTTP/1.x pipeline. */
  private static final String VERTX_HANDLER = "handler";

  private final UploadPipe pipe;
  private final Channel channel;
  private boolean removed; // event loop only

  private BodyTap(UploadPipe pipe, Channel channel) {
    this.pipe = pipe;
    this.channel = channel;
  }

  /**
   * Installs a tap for {@code request}'s body; call on the request's event loop before resuming
   * it. Returns null (and the body arrives as copies) when the connection is not one we know.
   */
  static BodyTap install(HttpServerRequest request, UploadPipe pipe) {
    HttpConnection connection = request.connection();
    if (!(connection instanceof ConnectionBase base) || request.isEnded()) {
      return null;
    }
    Channel channel = base.channel();
    if (!channel.eventLoop().inEventLoop() || channel.pipeline().get(VERTX_HANDLER) == null
        || channel.pipeline().get(NAME) != null) {
      return null;
    }
    BodyTap tap = new BodyTap(pipe, channel);
    channel.pipeline().addBefore(VERTX_HANDLER, NAME, tap);
    return tap;
  }

  /** Steps aside (from any thread). */
  void remove() {
    channel.eventLoop().execute(this::removeNow);
  }

  private void removeNow() {
    if (!removed) {
      removed = true;
      if (channel.pipeline().context(this) != null) {
        channel.pipeline().remove(this);
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Object out = msg;
    if (msg instanceof HttpContent content && msg != LastHttpContent.EMPTY_LAST_CONTENT) {
      ByteBuf data = content.content();
      boolean last = msg instanceof LastHttpContent;
      if (!removed && content.decoderResult().isSuccess() && data.isReadable() && data.isDirect()
          && data.nioBufferCount() == 1) {
        TappedBody body = pipe.track(data);
        if (body != null) {
          out = last ? new DefaultLastHttpContent(body, ((LastHttpContent) content).trailingHeaders())
              : new DefaultHttpContent(body);
        }
      }
      ctx.fireChannelRead(out);
      if (last) {
        removeNow();
      }
      return;
    }
    // The empty last piece, or a new request (ours is over): step aside.
    ctx.fireChannelRead(out);
    removeNow();
  }
}
