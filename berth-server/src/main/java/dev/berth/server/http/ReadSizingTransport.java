package dev.berth.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;

/**
 * Vert.x's NIO transport, with socket reads that grow up to 1 MiB while a connection streams a
 * body (Netty's default stops at 64 KiB) and stay small for small requests. A bulk upload then
 * costs a quarter of the reads, wake-ups and pipeline passes. (A fixed bigger read, which is what
 * {@code setReceiveBufferSize} gives, would allocate that much for every small GET as well.)
 */
public final class ReadSizingTransport implements Transport {
  static final int MAX_READ = 1024 * 1024;

  private final io.vertx.core.spi.transport.Transport implementation = new NioTransport() {
    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      super.configure(options, domainSocket, bootstrap);
      if (options.getReceiveBufferSize() == -1) {
        bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ));
      }
    }
  };

  @Override
  public String name() {
    return "nio";
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public Throwable unavailabilityCause() {
    return null;
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }
}
