package dev.berth.cli;

import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth tag SOURCE TARGET}: another name for a stored image. */
final class TagCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
        .argument("SOURCE_IMAGE[:TAG]", "A local image: a name (app:1; no tag means latest) or an image ID (prefix)")
        .argument("TARGET_IMAGE[:TAG]", "The new name, e.g. 127.0.0.1:5000/team/app:1 to push it there; no tag means latest")
        .runs(a -> new TagCommand(context, a.argument(0), a.argument(1)).call());
  }

  private final CliContext context;
  private final String source;
  private final String target;

  TagCommand(CliContext context, String source, String target) {
    this.context = context;
    this.source = source;
    this.target = target;
  }

  int call() {
    Reference to = ImageArgs.parse(target);
    if (to.digest() != null) {
      throw new UserError("refusing to create a tag with a digest reference: " + target);
    }
    try {
      ImageStore store = ClientFactory.imageStore(context);
      StoredImage image = store.resolve(source);
      store.addImage(image.target(), List.of(to));
      return 0;
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
