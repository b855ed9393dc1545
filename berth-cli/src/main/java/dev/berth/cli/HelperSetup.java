package dev.berth.cli;

import dev.berth.credentials.HelperLauncher;
import dev.berth.credentials.VaultCredentialStore;
import dev.berth.credentials.install.HelperInstaller;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Making sure {@code docker-credential-berth} is where docker looks before config.json names it:
 * a login that would use Berth's encrypted store installs the helper into {@code ~/.local/bin} when
 * that directory is on PATH and the helper is not yet installed anywhere on PATH.
 */
final class HelperSetup {
  private HelperSetup() {}

  static HelperInstaller installer(CliContext context, Path bin) {
    return new HelperInstaller(bin, HelperInstaller.defaultDataDir(context.env()), Path.of(System.getProperty("java.home")));
  }

  /** Whether the helper is on PATH now (installing it into ~/.local/bin when that is on PATH). */
  static boolean ensureInstalled(CliContext context, HelperLauncher launcher) {
    if (launcher.installed(VaultCredentialStore.PROGRAM)) {
      return true;
    }
    Path bin = HelperInstaller.defaultBinDir(context.env());
    if (!onPath(context, bin)) {
      return false;
    }
    context.err().println("Installing " + VaultCredentialStore.PROGRAM + " in " + bin
        + " so that docker, skopeo and podman find logins in Berth's encrypted store...");
    try {
      installer(context, bin).install(true);
    } catch (IOException e) {
      context.err().println("WARNING: cannot install " + VaultCredentialStore.PROGRAM + ": " + e.getMessage());
      return false;
    }
    return launcher.installed(VaultCredentialStore.PROGRAM);
  }

  static boolean onPath(CliContext context, Path dir) {
    String path = context.env("PATH");
    if (path == null) {
      return false;
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty() && Path.of(entry).toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
        return true;
      }
      try {
        if (!entry.isEmpty() && Files.isDirectory(Path.of(entry)) && Files.isSameFile(Path.of(entry), dir)) {
          return true;
        }
      } catch (IOException e) {
        // not the same
      }
    }
    return false;
  }
}
