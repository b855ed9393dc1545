package dev.berth.cli;

import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.transfer.Copier;
import dev.berth.model.ErrorCode;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code berth copy SRC DST}: registry to registry, without the local store (as {@code skopeo copy
 * docker://SRC docker://DST}). Within one registry the blobs are mounted, not moved. Digests stay
 * what they were; {@code --all-platforms} copies a whole multi-platform index.
 */
@Command(name = "copy", description = "Copy an image from one registry (or repository) to another, without the local store")
final class CopyCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin TransportArgs transport = new TransportArgs();
  @Mixin TransferArgs transfer = new TransferArgs();
  @Mixin PlatformArgs platforms = new PlatformArgs();

  @Parameters(index = "0", paramLabel = "SRC", description = "NAME[:TAG|@DIGEST], docker:// optional")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "NAME[:TAG], docker:// optional")
  String destination;

  public CopyCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Reference from = ImageArgs.parse(ImageArgs.withoutTransport(source));
    Reference to = ImageArgs.parse(ImageArgs.withoutTransport(destination));
    if (to.digest() != null && to.tag() == null) {
      throw new UserError("cannot copy to a digest: " + destination + " (name a tag)");
    }
    platforms.check();
    var options = transfer.options(platforms.platform, platforms.allPlatforms);
    var transportOptions = transport.options(context);
    RegistryClient src = ClientFactory.registryClient(context, from, false, transportOptions);
    RegistryClient dst = ClientFactory.registryClient(context, to, true, transportOptions);
    try {
      new Copier(src, dst, ProgressOutput.forContext(context, transfer.quiet), options).copy(from, to);
      if (transfer.quiet) {
        context.out().println(to.canonical());
      }
      return 0;
    } catch (RegistryException e) {
      boolean reading = e.attempt().contains(" from " + from.repository()) || e.attempt().contains(from.repository() + ":")
          || e.attempt().contains(from.repository() + "@");
      if (e.isAuthFailure()) {
        throw reading ? ImageArgs.authFailure(e, "pulling from", from) : ImageArgs.authFailure(e, "pushing to", to);
      }
      if (reading && (e.code() == ErrorCode.MANIFEST_UNKNOWN || e.code() == ErrorCode.NAME_UNKNOWN || e.status() == 404)) {
        throw new UserError("manifest for " + from.familiar() + " not found: " + e.reason());
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
