package io.carelake.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small files a run is configured with (governance specs, policies, evaluation specs,
 * definitions), which are parsed whole: a file over {@link #MAX_BYTES} is refused before it is
 * read, so a wrong path (a data export, a log) fails at once with a clear message instead of
 * filling the heap.
 */
public final class SmallFiles {

  /** 1 MiB: the shipped specs are a few KiB. */
  public static final int MAX_BYTES = 1 << 20;

  private SmallFiles() {}

  /** The bytes of {@code file}, a {@code what} (e.g. "governance spec"), at most 1 MiB. */
  public static byte[] read(Path file, String what) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IOException(file + " is larger than 1 MiB, the limit for a " + what
            + ": check that the path names the " + what + " and not a data file");
      }
      return bytes;
    }
  }
}
