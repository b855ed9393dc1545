package dev.berth.cli;

import dev.berth.client.registry.RegistryException;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Reference;
import java.io.IOException;

/** Shared by the image commands: parsing names and turning client failures into one-line errors. */
final class ImageArgs {

  /** docker's reference grammar and normalisation; a bad value is named in the error. */
  static Reference parse(String text) {
    try {
      return Reference.parse(text);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      if (!message.startsWith("invalid reference format")) {
        message = "invalid reference format: " + message;
      }
      if (!message.contains(text)) {
        message = message + " (" + text + ")";
      }
      throw new UserError(message);
    }
  }

  /** {@code docker://host/repo:tag} as skopeo writes it is {@code host/repo:tag}; skopeo's other transports are refused. */
  static String withoutTransport(String text) {
    if (text.startsWith("docker://")) {
      return text.substring("docker://".length());
    }
    int sep = text.indexOf(':');
    if (sep > 0 && java.util.Set.of("oci", "oci-archive", "docker-archive", "docker-daemon", "dir", "containers-storage",
        "sif", "tarball").contains(text.substring(0, sep))) {
      throw new UserError("unsupported transport " + text.substring(0, sep) + ": in " + text + " (only docker:// names a registry image)");
    }
    return text;
  }

  /** Whether {@code text} found {@code image} by its name (not by an image-id prefix). */
  static boolean namedBy(String text, StoredImage image) {
    if (image.name() == null) {
      return false;
    }
    try {
      return Reference.parse(text).repository().equals(image.name().repository());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The stored image with exactly this name (push only sends named images, as docker does). */
  static StoredImage named(ImageStore store, Reference ref) throws IOException {
    for (StoredImage image : store.list()) {
      if (image.name() != null && image.name().canonical().equals(ref.canonical())) {
        return image;
      }
    }
    throw new UserError("An image does not exist locally with the tag: " + ref.familiar());
  }

  /** The login to run, named as the user runs Berth; no host for Docker Hub, as {@code docker login} needs none. */
  static String loginCommand(CliContext context, Reference ref) {
    String login = context.commandName() + " login";
    return ref.domain().equals(Reference.DOCKER_HUB) ? login : login + " " + ref.domain();
  }

  /** A 401/403 from the registry: its own words, what was tried, and the login to run. */
  static UserError authFailure(CliContext context, RegistryException e, String attempt, Reference ref) {
    return new UserError(e.reason() + " (" + attempt + " " + ref.repository() + "); run '" + loginCommand(context, ref) + "'");
  }

  /** docker's "name only": neither a tag nor a digest given, so {@code latest} is implied. */
  static boolean isNameOnly(String text) {
    return text.indexOf('@') < 0 && text.lastIndexOf(':') <= text.lastIndexOf('/');
  }

  static UserError failure(IOException e) {
    if (e instanceof RegistryException re) {
      return new UserError(re.getMessage());
    }
    return new UserError(e.getMessage() != null ? e.getMessage() : e.toString());
  }

  private ImageArgs() {}
}
