package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts a job in a JVM of its own, on its module's classpath: the module's classes plus
 * {@code target/classpath.txt}, the compile + provided dependencies Maven resolved for it (the engine
 * a cluster would provide plus what the bundled jar carries). Spark jobs get their master from
 * {@code launcher.spark.master} as a system property, exactly as spark-submit passes it; job code
 * never sets one.
 */
public final class Launcher {

  private final Path repo;

  public Launcher(Path repo) {
    this.repo = repo;
  }

  /** The repository root: {@code -Dcarelake.repo}, set by bin/carelake. */
  public static Launcher fromSystem() {
    String repo = System.getProperty("carelake.repo");
    if (repo == null) {
      throw new ConfigException("carelake.repo is not set: start carelake through bin/carelake");
    }
    return new Launcher(Path.of(repo).toAbsolutePath().normalize());
  }

  public Path repo() {
    return repo;
  }

  /** The full java command line for a job. */
  public List<String> command(Launchable job, CarelakeConfig config, List<String> args) {
    Path module = repo.resolve(job.module());
    Path classes = module.resolve("target").resolve("classes");
    Path classpathFile = module.resolve("target").resolve("classpath.txt");
    if (!Files.isDirectory(classes) || !Files.isRegularFile(classpathFile)) {
      throw new ConfigException("Module " + job.module() + " is not built (" + classpathFile
          + " is missing). Run bin/setup, or: mvn -q install -DskipTests");
    }
    String classpath;
    try {
      classpath = classes + java.io.File.pathSeparator
          + Files.readString(classpathFile, StandardCharsets.UTF_8).trim()
          + runtimeClasspath(module.resolve("target").resolve("runtime-classpath.txt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.add("-Xmx" + config.get(CarelakeConfig.LAUNCHER_JOB_HEAP));
    cmd.addAll(jvmOpens());
    cmd.add("-Dlog4j2.configurationFile=" + resource("carelake/log4j2-jobs.properties", config));
    cmd.add("-Dcarelake.log.file=" + logFile(job, config));
    if (args.contains("--verbose")) {
      cmd.add("-Dcarelake.log.console-level=info");
    }
    if (job.engine() == Job.Engine.SPARK) {
      cmd.add("-Dspark.master=" + config.get(CarelakeConfig.LAUNCHER_SPARK_MASTER));
      cmd.add("-Dspark.ui.enabled=false");
      cmd.add("-Dspark.ui.showConsoleProgress=false");
      cmd.add("-Dspark.sql.shuffle.partitions=8");
      cmd.add("-Dspark.sql.warehouse.dir=" + config.home().resolve("tmp").resolve("spark-warehouse"));
      cmd.add("-Dspark.local.dir=" + config.home().resolve("tmp").resolve("spark"));
    }
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(job.mainClass());
    cmd.addAll(args);
    return cmd;
  }

  /** The runtime-scoped additions, if the module's build wrote them. */
  private static String runtimeClasspath(Path file) throws java.io.IOException {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
    return cp.isEmpty() ? "" : java.io.File.pathSeparator + cp;
  }

  /**
   * The file a job's full log goes to: {@code <home>/logs/<command>-<time>.log}, in a directory
   * only its owner can read (engine logs name tables, paths and counts, never row values, but a
   * home's logs are its owner's).
   */
  static Path logFile(Launchable job, CarelakeConfig config) {
    Path dir = config.home().resolve("logs");
    try {
      Files.createDirectories(dir);
      if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(dir,
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the log directory " + dir + ": "
          + e.getMessage(), e);
    }
    String stamp = java.time.LocalDateTime.now().format(
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", java.util.Locale.ROOT));
    return dir.resolve(job.command().replace(' ', '-') + "-" + stamp + ".log");
  }

  /**
   * Runs a job with its output on this process's console; returns its exit code. A failed run
   * names its full log file.
   */
  public int run(Launchable job, CarelakeConfig config, List<String> args) {
    List<String> cmd = command(job, config, args);
    String logFile = cmd.stream().filter(a -> a.startsWith("-Dcarelake.log.file="))
        .map(a -> a.substring("-Dcarelake.log.file=".length())).findFirst().orElse(null);
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().put("CARELAKE_REPO", repo.toString());
    try {
      Process p = pb.start();
      int rc = p.waitFor();
      if (rc != 0 && rc != 2 && logFile != null && Files.isRegularFile(Path.of(logFile))) {
        System.err.println("carelake " + job.command() + ": full log in " + logFile);
      }
      return rc;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + job.command() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Spark's and Flink's JDK 17 module openings, from the parent POM (one list, everywhere). */
  public static List<String> jvmOpens() {
    try (InputStream in = Launcher.class.getResourceAsStream("/carelake/jvm-options.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return Arrays.stream(text.split("\\s+")).filter(s -> !s.isEmpty()).toList();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("carelake/jvm-options.txt missing from the launcher build", e);
    }
  }

  /** Copies a classpath resource into {@code <home>/conf/} (when it differs) and returns its path. */
  static Path resource(String name, CarelakeConfig config) {
    Path target = config.home().resolve("conf").resolve(Path.of(name).getFileName());
    try (InputStream in = Launcher.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the launcher build");
      }
      byte[] bytes = in.readAllBytes();
      Files.createDirectories(target.getParent());
      if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
        Files.write(target, bytes);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
