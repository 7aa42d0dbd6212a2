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

  /**
   * Runs a bench in a new scratch home: {@code --home}/{@code --config} are taken out of
   * {@code args} (they only say where the scratch home goes), {@code --home <scratch>} is passed
   * instead, and the scratch home is deleted afterwards; {@code --help} and {@code --version} run
   * as they are. Returns the run's exit code.
   */
  public static int runIn(String prefix, String[] args,
      java.util.function.Function<String[], Integer> run) throws IOException {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
    if (all.contains("--help") || all.contains("-h") || all.contains("--version")) {
      return run.apply(args);
    }
    String home = takeOption(all, "--home");
    String config = takeOption(all, "--config");
    Path scratch = create(home == null ? null : Path.of(home),
        config == null ? null : Path.of(config), prefix);
    all.add(0, scratch.toString());
    all.add(0, "--home");
    try {
      return run.apply(all.toArray(String[]::new));
    } finally {
      delete(scratch);
    }
  }

  /** Removes {@code --name VALUE} or {@code --name=VALUE} from args; returns VALUE or null. */
  static String takeOption(java.util.List<String> args, String name) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(name) && i + 1 < args.size()) {
        args.remove(i);
        return args.remove(i);
      }
      if (a.startsWith(name + "=")) {
        args.remove(i);
        return a.substring(name.length() + 1);
      }
    }
    return null;
  }

  /**
   * Set to {@code true} (bench growth's {@code --keep}), scratch homes are kept and their path
   * printed instead of deleted.
   */
  public static final String KEEP_PROPERTY = "carelake.scratch.keep";

  /** Deletes the scratch home and everything in it; a failure is reported, not thrown. */
  public static void delete(Path scratch) {
    if (Boolean.getBoolean(KEEP_PROPERTY)) {
      System.out.println("scratch home kept: " + scratch);
      return;
    }
    try (Stream<Path> paths = Files.walk(scratch)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete the scratch home " + scratch + ": " + e.getMessage());
    }
  }
}
