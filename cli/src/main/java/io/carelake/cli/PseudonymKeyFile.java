package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;

/**
 * The demo's pseudonymisation key: 256 random bits in a file only its owner can read. Production
 * deployments supply their own key through {@code deid.key-file} or the variable {@code deid.key-env}
 * names; the key itself is never printed.
 */
final class PseudonymKeyFile {

  private PseudonymKeyFile() {}

  static void ensure(CarelakeConfig config, PrintStream out) {
    String envName = config.get(CarelakeConfig.DEID_KEY_ENV, CarelakeConfig.DEID_KEY_ENV_DEFAULT);
    if (System.getenv(envName) != null) {
      out.println("deidentify: using the key from $" + envName);
      return;
    }
    Path file = Path.of(config.get(CarelakeConfig.DEID_KEY_FILE));
    if (Files.exists(file)) {
      return;
    }
    try {
      Path parent = file.getParent();
      Files.createDirectories(parent);
      Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.write(file, Base64.getEncoder().encode(key), StandardOpenOption.TRUNCATE_EXISTING);
      Files.setPosixFilePermissions(file, EnumSet.copyOf(PosixFilePermissions.fromString("rw-------")));
      out.println("deidentify: created a new pseudonymisation key in " + file
          + " (readable by its owner only; keep it secret, back it up: pseudonyms depend on it)");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the key file " + file + ": " + e.getMessage(), e);
    }
  }

}
