package io.carelake.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A throw-away carelake home for benchmarks, so that they never touch a real home's tables: under
 * the given home's {@code tmp/} (bin/carelake always passes {@code --home}; {@code --config} means
 * the home its file is in), or in the system's temporary directory when neither is given.
 */
public final class ScratchHome {

  private ScratchHome() {}

  /** Creates a new empty directory named {@code prefix...}; delete it with {@link #delete}. */
  public static Path create(Path home, Path config, String prefix) throws IOException {
    Path base = home != null ? home.toAbsolutePath()
        : config != null ? config.toAbsolutePath().getParent() : null;
    return base == null ? Files.createTempDirectory(prefix)
        : Files.createTempDirectory(Files.createDirectories(base.resolve("tmp")), prefix);
  }

  /** Deletes the scratch home and everything in it; a failure is reported, not thrown. */
  public static void delete(Path scratch) {
    try (Stream<Path> paths = Files.walk(scratch)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete the scratch home " + scratch + ": " + e.getMessage());
    }
  }
}
