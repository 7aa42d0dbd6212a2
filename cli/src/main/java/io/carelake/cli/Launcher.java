package io.carelake.cli;

import io.carelake.core.jobs.JobManifest;
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
import java.util.Map;

/**
 * Starts a job in a JVM of its own, on its module's classpath: the module's classes plus
 * {@code target/classpath.txt}, the compile + provided dependencies Maven resolved for it (the engine
 * a cluster would provide plus what the bundled jar carries). Spark jobs get their master from
 * {@code launcher.spark.master} as a system property, exactly as spark-submit passes it; job code
 * never sets one.
 */
public final class Launcher {

  private static final java.util.regex.Pattern LOG_FILE_OPTION =
      java.util.regex.Pattern.compile("-Dcarelake\\.log\\.file=(\\S+)");

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

  /**
   * A module's classpath as Maven resolved it: its classes, then {@code target/classpath.txt}
   * (compile and provided) and {@code target/runtime-classpath.txt}.
   */
  String classpath(String moduleName) {
    Path module = repo.resolve(moduleName);
    Path classes = module.resolve("target").resolve("classes");
    Path classpathFile = module.resolve("target").resolve("classpath.txt");
    if (!Files.isDirectory(classes) || !Files.isRegularFile(classpathFile)) {
      throw new ConfigException("Module " + moduleName + " is not built (" + classpathFile
          + " is missing). Run bin/setup, or: mvn -q package -DskipTests");
    }
    try {
      return classes + java.io.File.pathSeparator
          + Files.readString(classpathFile, StandardCharsets.UTF_8).trim()
          + runtimeClasspath(module.resolve("target").resolve("runtime-classpath.txt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The full command line for a job: a JVM of its own on its module's classpath, or, when the
   * configuration names a cluster for its engine ({@code launcher.spark.home},
   * {@code launcher.flink.home}: the cluster profile writes them), {@code spark-submit} or
   * {@code flink run} of its module's bundled jar, unchanged. Tools always run locally.
   */
  public List<String> command(Launchable job, CarelakeConfig config, List<String> args) {
    if (job instanceof Job stage && submitted(stage, config)) {
      return stage.engine() == JobManifest.Engine.SPARK ? sparkSubmit(stage, config, args)
          : flinkRun(stage, config, args);
    }
    String classpath = classpath(job.module());
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.add("-Xmx" + config.get(CarelakeConfig.LAUNCHER_JOB_HEAP));
    String options = config.get(CarelakeConfig.LAUNCHER_JOB_JVM_OPTIONS, "").strip();
    if (!options.isEmpty()) {
      cmd.addAll(List.of(options.split("\\s+")));
    }
    cmd.addAll(jvmOpens());
    cmd.add("-Dlog4j2.configurationFile=" + resource("carelake/log4j2-jobs.properties", config));
    cmd.add("-Dcarelake.log.file=" + logFile(job, config));
    if (args.contains("--verbose")) {
      cmd.add("-Dcarelake.log.console-level=info");
    }
    if (job.engine() == JobManifest.Engine.SPARK) {
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

  /** Whether the configuration submits this stage to a cluster instead of a local JVM. */
  static boolean submitted(Job job, CarelakeConfig config) {
    return switch (job.engine()) {
      case SPARK -> !config.get(CarelakeConfig.LAUNCHER_SPARK_HOME, "").isEmpty();
      case FLINK -> !config.get(CarelakeConfig.LAUNCHER_FLINK_HOME, "").isEmpty();
      case JAVA -> false;
    };
  }

  /**
   * {@code spark-submit} in client mode with the same Spark properties the daily DAG submits with
   * (UTC sessions, no progress bars, the JDK 17 openings on driver and executors); sizes come from
   * {@code SPARK_CONF_DIR}'s spark-defaults.conf.
   */
  private List<String> sparkSubmit(Job job, CarelakeConfig config, List<String> args) {
    String opens = String.join(" ", jvmOpens());
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(config.get(CarelakeConfig.LAUNCHER_SPARK_HOME), "bin", "spark-submit").toString(),
        "--master", config.get(CarelakeConfig.LAUNCHER_SPARK_MASTER),
        "--deploy-mode", "client",
        "--name", "carelake-" + job.command(),
        "--class", job.mainClass(),
        "--conf", "spark.sql.session.timeZone=UTC",
        "--conf", "spark.ui.showConsoleProgress=false",
        // the driver's full log in the home's logs, as for a local job
        "--conf", "spark.driver.extraJavaOptions=" + opens + " -Dcarelake.log.file="
            + logFile(job, config),
        "--conf", "spark.executor.extraJavaOptions=" + opens,
        bundledJar(job).toString()));
    cmd.addAll(args);
    return cmd;
  }

  /** {@code flink run} of the bundled jar against the session cluster its configuration names. */
  private List<String> flinkRun(Job job, CarelakeConfig config, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(config.get(CarelakeConfig.LAUNCHER_FLINK_HOME), "bin", "flink").toString(),
        "run", "-c", job.mainClass(), bundledJar(job).toString()));
    cmd.addAll(args);
    return cmd;
  }

  /** {@code <module>/target/carelake-<module>-<version>-bundled.jar}, as the DAGs submit it. */
  Path bundledJar(Launchable job) {
    Path jar = repo.resolve(job.module()).resolve("target").resolve(
        "carelake-" + job.module() + "-" + io.carelake.core.Version.CARELAKE + "-bundled.jar");
    if (!Files.isRegularFile(jar)) {
      throw new ConfigException(jar + " is missing: build the jars (bin/setup java)");
    }
    return jar;
  }

  /**
   * The environment a job's process gets on top of this one's: the repository, and for a
   * submitted job its engine's home and configuration directory, and for Flink the Hadoop client
   * jars a Flink distribution lacks.
   */
  public Map<String, String> environment(Launchable job, CarelakeConfig config) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("CARELAKE_REPO", repo.toString());
    if (job instanceof Job stage && submitted(stage, config)) {
      env.put("JAVA_HOME", System.getProperty("java.home"));
      if (stage.engine() == JobManifest.Engine.SPARK) {
        env.put("SPARK_HOME", config.get(CarelakeConfig.LAUNCHER_SPARK_HOME));
        String confDir = config.get(CarelakeConfig.LAUNCHER_SPARK_CONF_DIR, "");
        if (!confDir.isEmpty()) {
          env.put("SPARK_CONF_DIR", confDir);
        }
      } else {
        env.put("FLINK_CONF_DIR", config.get(CarelakeConfig.LAUNCHER_FLINK_CONF_DIR,
            Path.of(config.get(CarelakeConfig.LAUNCHER_FLINK_HOME), "conf").toString()));
        env.put("FLINK_LOG_DIR", config.home().resolve("logs").toString());
        env.put("HADOOP_CLASSPATH", new Distributions(repo).hadoopClasspath());
      }
    }
    return env;
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
    // a local JVM's own option, or inside spark-submit's driver options
    String logFile = cmd.stream().map(LOG_FILE_OPTION::matcher).filter(java.util.regex.Matcher::find)
        .map(m -> m.group(1)).findFirst().orElse(null);
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().putAll(environment(job, config));
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
