package io.carelake.core.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold patient (or patient-like) data: written owner-only (rw-------) to a new
 * temporary file beside the target and renamed over it when complete. A rename replaces a
 * symbolic link at the target's name instead of writing through it, an existing file is never
 * truncated before the new one is whole, and a half-written file never takes its place.
 */
public final class OwnerOnlyFiles {

  private OwnerOnlyFiles() {}

  /** A new owner-only temporary file in {@code dir} for {@code name}. */
  public static Path temp(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    try {
      return Files.createTempFile(dir, "." + name + "-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException noPosix) {
      return Files.createTempFile(dir, "." + name + "-", ".tmp");
    }
  }

  /** Renames a complete temporary file over {@code target}, atomically. */
  public static void publish(Path temp, Path target) throws IOException {
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Writes {@code text} (UTF-8) to {@code target} owner-only, through a temporary file and a rename. */
  public static void writeString(Path target, String text) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temp = temp(absolute.getParent(), absolute.getFileName().toString());
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      publish(temp, absolute);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
