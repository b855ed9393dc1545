package dev.berth.cli;

import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.store.ImageStore;
import dev.berth.client.transfer.Puller;
import dev.berth.model.ErrorCode;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code berth pull NAME[:TAG|@DIGEST]}: fetches an image into the local store, several layers at
 * a time, verifying every blob as it streams in. From a multi-platform image this machine's
 * platform is taken (or {@code --platform}'s), or all of them with {@code --all-platforms}.
 */
@Command(name = "pull", description = "Download an image from a registry")
final class PullCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin TransportArgs transport = new TransportArgs();
  @Mixin TransferArgs transfer = new TransferArgs();
  @Mixin PlatformArgs platforms = new PlatformArgs();

  @Parameters(index = "0", paramLabel = "NAME[:TAG|@DIGEST]")
  String image;

  public PullCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Reference ref = ImageArgs.parse(image);
    platforms.check();
    var options = transfer.options(platforms.platform, platforms.allPlatforms);
    try {
      ImageStore store = ClientFactory.imageStore(context);
      RegistryClient client = ClientFactory.registryClient(context, ref, false, transport.options(context));
      new Puller(store, client, ProgressOutput.forContext(context, transfer.quiet), options).pull(ref);
      if (transfer.quiet) {
        context.out().println(ref.canonical());
      }
      return 0;
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(e, "pulling from", ref);
      }
      if (e.code() == ErrorCode.MANIFEST_UNKNOWN || e.code() == ErrorCode.NAME_UNKNOWN || e.status() == 404) {
        throw new UserError("manifest for " + ref.familiar() + " not found: " + e.reason());
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
