package io.carelake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carelake.core.config.CarelakeConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleBiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench growth}: how each batch job's time, heap, driver-bound bytes and files grow with
 * its input. For every size of {@code --rows} and every job of {@code --jobs}, the job's own bench
 * command ({@code bench govern}, {@code bench deidentify}, ... — their synthetic data builders and
 * timings, unchanged) runs in a JVM of its own under a probe ({@code io.carelake.spark.GrowthProbe}
 * of spark-support) that samples the heap, adds up what the tasks sent back to the driver and
 * counts the data files Iceberg's commits added per table. Per job and size it prints the job's
 * time (as its bench measured it), the JVM's peak heap in use and peak live heap (after a
 * collection; in local mode the executors share this JVM, so their working memory is in it), the
 * bytes tasks sent to the driver and the tasks, and the data files added to the job's output
 * tables; then per job the log-log slope (least squares) on rows of the time (a job that scales
 * linearly has 1), of the driver-bound bytes (about 1 when rows are collected) and of the live
 * heap, and a JSON last line. Each bench works in a scratch home under {@code <home>/tmp} that it
 * deletes afterwards, unless {@code --keep}.
 */
@Command(name = "bench-growth", mixinStandardHelpOptions = true,
    description = "Growth curves: govern, deidentify, features, train and evaluate at each --rows"
        + " size: time, peak heap, bytes sent to the driver, files written, log-log slope per job.")
public final class GrowthBench implements Callable<Integer> {

  /** The slope of log time on log rows a job may have (issue 18: <= 1.1). */
  static final double TIME_SLOPE_LIMIT = 1.1;
  /** The slope of log live heap on log rows under which the driver's heap counts as flat. */
  static final double HEAP_SLOPE_LIMIT = 0.1;

  static final String PROBE_MAIN = "io.carelake.spark.GrowthProbe";
  /**
   * The slope of log driver-bound bytes (task results) on log rows under which nothing grows with
   * the rows on the driver: rows collected make it about 1; accumulators and commit messages grow
   * with the number of tasks, which grows far slower than the rows at these sizes.
   */
  static final double DRIVER_SLOPE_LIMIT = 0.5;

  static final Pattern PROBE_LINE = Pattern.compile("^growth-probe peak_heap_bytes=(\\d+)"
      + " peak_live_heap_bytes=(\\d+) driver_result_bytes=(\\d+) max_task_result_bytes=(\\d+)"
      + " tasks=(\\d+) files=(\\S*)$");

  /**
   * A job as bench growth measures it: its bench tool, the extra arguments it gets, how its time
   * is read from the bench's output, and the tables (namespace or namespace.table) it writes.
   */
  enum Measured {
    GOVERN("govern", Tool.BENCH_GOVERN, List.of(), List.of("curated.", "quarantine."),
        (out, rows) -> number(out, "govern_ms=(\\d+)") / 1000.0),
    DEIDENTIFY("deidentify", Tool.BENCH_DEIDENTIFY, List.of("--notes", "200"),
        List.of("bench.visits_full"),
        (out, rows) -> rows / number(out, "\"full_rows_per_s\":([0-9.]+)")),
    FEATURES("features", Tool.BENCH_FEATURES, List.of(), List.of("features."),
        (out, rows) -> number(out, "\"features_s\":([0-9.]+)")),
    TRAIN("train", Tool.BENCH_TRAIN, List.of(), List.of("models."),
        (out, rows) -> number(out, "\"train_s\":([0-9.]+)")),
    EVALUATE("evaluate", Tool.BENCH_EVALUATE, List.of(), List.of("evaluation."),
        (out, rows) -> number(out, "\"evaluate_s\":([0-9.]+)"));

    final String job;
    final Tool bench;
    final List<String> extraArgs;
    final List<String> outputs;
    final ToDoubleBiFunction<String, Long> seconds;

    Measured(String job, Tool bench, List<String> extraArgs, List<String> outputs,
        ToDoubleBiFunction<String, Long> seconds) {
      this.job = job;
      this.bench = bench;
      this.extraArgs = extraArgs;
      this.outputs = outputs;
      this.seconds = seconds;
    }

    static Measured of(String job) {
      for (Measured m : values()) {
        if (m.job.equals(job)) {
          return m;
        }
      }
      throw new CommandLine.ParameterException(new CommandLine(new GrowthBench()),
          "--jobs: unknown job '" + job + "'; known: govern, deidentify, features, train,"
              + " evaluate");
    }
  }

  @Option(names = "--rows", split = ",", paramLabel = "N[,N...]",
      defaultValue = "100000,1000000,10000000",
      description = "Input sizes in rows, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Long> rows;

  @Option(names = "--jobs", split = ",", paramLabel = "JOB[,JOB...]",
      defaultValue = "govern,deidentify,features,train,evaluate",
      description = "Jobs to measure (default: ${DEFAULT-VALUE}).")
  List<String> jobs;

  @Option(names = "--keep", description = "Keep each bench's scratch home (its path is printed).")
  boolean keep;

  @Option(names = "--home", paramLabel = "DIR",
      description = "carelake home: the scratch homes go under <home>/tmp.")
  Path home;

  @Option(names = "--config", paramLabel = "FILE", description = "as --home, for the home of an"
      + " explicit carelake.properties")
  Path config;

  PrintStream out = System.out;

  /**
   * One bench run: the job's time, the bench JVM's heap peaks (driver and, in local mode, the
   * executors), the bytes tasks sent to the driver and their largest single result, the tasks, and
   * the data files added to outputs.
   */
  record Point(long rows, double seconds, long peakHeapBytes, long peakLiveHeapBytes,
      long driverResultBytes, long maxTaskResultBytes, long tasks, long files) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new GrowthBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (long n : rows) {
      if (n < 1000) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--rows: every size must be at least 1000 (bench features needs it), got " + n);
      }
    }
    List<Measured> measured = jobs.stream().map(Measured::of).toList();
    CarelakeConfig cfg = CarelakeConfig.resolve(home, config, System.getenv());
    Launcher launcher = new Launcher(repo());
    out.println(String.format(Locale.ROOT, "bench growth: sizes %s rows; jobs %s; each in its own"
        + " JVM under the growth probe, scratch homes under %s (%s)", rows, jobs,
        cfg.home().resolve("tmp"), keep ? "kept" : "deleted afterwards"));
    Map<Measured, List<Point>> points = new LinkedHashMap<>();
    for (Measured m : measured) {
      for (long n : rows) {
        out.println(String.format(Locale.ROOT, "-- %s at %,d rows", m.job, n));
        String output = runBench(launcher, cfg, m, n);
        Point p = point(m, n, output);
        points.computeIfAbsent(m, x -> new ArrayList<>()).add(p);
        out.println(String.format(Locale.ROOT, "%s %,d rows: %.2f s, peak heap %,d MB (live %,d"
            + " MB), %,d KB sent to the driver by %,d tasks (largest %,d KB), %,d data files",
            m.job, n, p.seconds(), p.peakHeapBytes() >> 20, p.peakLiveHeapBytes() >> 20,
            p.driverResultBytes() >> 10, p.tasks(), p.maxTaskResultBytes() >> 10, p.files()));
      }
    }
    report(points);
    return 0;
  }

  /** The repository: {@code -Dcarelake.repo} when bin/carelake set it, else where this class is. */
  static Path repo() throws URISyntaxException {
    String repo = System.getProperty("carelake.repo");
    if (repo != null) {
      return Path.of(repo);
    }
    // <repo>/cli/target/classes
    return Path.of(GrowthBench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getParent().getParent().getParent();
  }

  /** Runs the job's bench at n rows under the probe; returns its standard output. */
  private String runBench(Launcher launcher, CarelakeConfig cfg, Measured m, long n)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--home", cfg.home().toString(), "--rows",
        Long.toString(n)));
    args.addAll(m.extraArgs);
    List<String> cmd = probed(launcher.command(m.bench, cfg, args), m.bench.mainClass(),
        cfg.catalogName(), keep);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    Process process = pb.start();
    StringBuilder captured = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        captured.append(line).append('\n');
        out.println("   " + line);
      }
    }
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IllegalStateException("bench " + m.job + " --rows " + n + " exited with " + exit
          + " (its output is above); bench growth stopped");
    }
    return captured.toString();
  }

  /** The bench's command line with the probe's main class in front of the bench's. */
  static List<String> probed(List<String> command, String mainClass, String catalog,
      boolean keep) {
    int main = command.indexOf(mainClass);
    if (main < 1) {
      throw new IllegalStateException("no main class " + mainClass + " in " + command);
    }
    List<String> cmd = new ArrayList<>(command);
    cmd.add(main, PROBE_MAIN);
    cmd.add(1, "-Dcarelake.catalog.name=" + catalog);
    if (keep) {
      cmd.add(1, "-Dcarelake.scratch.keep=true");
    }
    return cmd;
  }

  /** What one bench run printed → its point: the job's time, the probe's heap and files. */
  static Point point(Measured m, long n, String output) {
    Matcher probe = null;
    for (String line : output.split("\n")) {
      Matcher candidate = PROBE_LINE.matcher(line.strip());
      if (candidate.matches()) {
        probe = candidate;
      }
    }
    if (probe == null) {
      throw new IllegalStateException("bench " + m.job + " --rows " + n + " printed no"
          + " growth-probe line: was it started with " + PROBE_MAIN + "?");
    }
    long files = 0;
    for (String entry : probe.group(6).split(",")) {
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && writes(m, entry.substring(0, colon))) {
        files += Long.parseLong(entry.substring(colon + 1));
      }
    }
    return new Point(n, m.seconds.applyAsDouble(output, n), Long.parseLong(probe.group(1)),
        Long.parseLong(probe.group(2)), Long.parseLong(probe.group(3)),
        Long.parseLong(probe.group(4)), Long.parseLong(probe.group(5)), files);
  }

  /** Whether {@code table} (as the catalog names it, maybe with the catalog) is an output. */
  static boolean writes(Measured m, String table) {
    for (String output : m.outputs) {
      if (table.startsWith(output) || table.contains("." + output)) {
        return true;
      }
    }
    return false;
  }

  static double number(String output, String regex) {
    Matcher last = null;
    Matcher matcher = Pattern.compile(regex).matcher(output);
    double value = Double.NaN;
    while (matcher.find()) {
      last = matcher;
      value = Double.parseDouble(last.group(1));
    }
    if (last == null) {
      throw new IllegalStateException("the bench printed no " + regex + " (its output is above)");
    }
    return value;
  }

  /** Least-squares slope of log y on log x; NaN with fewer than two distinct sizes. */
  static double logLogSlope(List<Long> x, List<Double> y) {
    int n = x.size();
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += Math.log(x.get(i));
      my += Math.log(y.get(i));
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      double dx = Math.log(x.get(i)) - mx;
      sxy += dx * (Math.log(y.get(i)) - my);
      sxx += dx * dx;
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }

  /** The table, the slopes and the JSON last line. */
  void report(Map<Measured, List<Point>> points) throws IOException {
    out.println(String.format(Locale.ROOT, "%-11s %13s %10s %14s %14s %14s %8s %8s", "job",
        "rows", "time s", "peak heap MB", "live heap MB", "to driver KB", "tasks", "files"));
    for (Map.Entry<Measured, List<Point>> e : points.entrySet()) {
      for (Point p : e.getValue()) {
        out.println(String.format(Locale.ROOT, "%-11s %,13d %10.2f %,14d %,14d %,14d %,8d %,8d",
            e.getKey().job, p.rows(), p.seconds(), p.peakHeapBytes() >> 20,
            p.peakLiveHeapBytes() >> 20, p.driverResultBytes() >> 10, p.tasks(), p.files()));
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode last = json.createObjectNode().put("bench", "growth");
    ArrayNode sizes = last.putArray("rows");
    rows.forEach(sizes::add);
    ObjectNode byJob = last.putObject("jobs");
    for (Map.Entry<Measured, List<Point>> e : points.entrySet()) {
      List<Point> ps = e.getValue();
      List<Long> x = ps.stream().map(Point::rows).toList();
      double timeSlope = logLogSlope(x, ps.stream().map(Point::seconds).toList());
      // the live heap, or the heap in use when no collection ran
      double heapSlope = logLogSlope(x, ps.stream().map(p -> (double) (p.peakLiveHeapBytes() > 0
          ? p.peakLiveHeapBytes() : p.peakHeapBytes())).toList());
      double driverSlope = logLogSlope(x, ps.stream()
          .map(p -> (double) Math.max(1, p.driverResultBytes())).toList());
      boolean timeOk = timeSlope <= TIME_SLOPE_LIMIT;
      boolean heapFlat = heapSlope <= HEAP_SLOPE_LIMIT;
      boolean driverOk = driverSlope <= DRIVER_SLOPE_LIMIT;
      out.println(String.format(Locale.ROOT, "%s: log-log slope of time on rows %s (<= %.1f: %s),"
          + " of bytes sent to the driver %s (nothing collected, <= %.1f: %s), of the JVM's live"
          + " heap, driver and local executors, %s (flat, <= %.1f: %s)", e.getKey().job,
          fmt(timeSlope), TIME_SLOPE_LIMIT, verdict(timeSlope, timeOk), fmt(driverSlope),
          DRIVER_SLOPE_LIMIT, verdict(driverSlope, driverOk), fmt(heapSlope), HEAP_SLOPE_LIMIT,
          verdict(heapSlope, heapFlat)));
      ObjectNode j = byJob.putObject(e.getKey().job);
      ArrayNode seconds = j.putArray("seconds");
      ArrayNode heap = j.putArray("peak_heap_bytes");
      ArrayNode live = j.putArray("peak_live_heap_bytes");
      ArrayNode driver = j.putArray("driver_result_bytes");
      ArrayNode largest = j.putArray("max_task_result_bytes");
      ArrayNode tasks = j.putArray("tasks");
      ArrayNode files = j.putArray("files");
      for (Point p : ps) {
        seconds.add(Math.round(p.seconds() * 1000) / 1000.0);
        heap.add(p.peakHeapBytes());
        live.add(p.peakLiveHeapBytes());
        driver.add(p.driverResultBytes());
        largest.add(p.maxTaskResultBytes());
        tasks.add(p.tasks());
        files.add(p.files());
      }
      putSlope(j, "time_slope", timeSlope);
      putSlope(j, "heap_slope", heapSlope);
      putSlope(j, "driver_bytes_slope", driverSlope);
      if (Double.isNaN(timeSlope)) {
        j.putNull("time_slope_ok");
        j.putNull("heap_flat");
        j.putNull("driver_bytes_ok");
      } else {
        j.put("time_slope_ok", timeOk);
        j.put("heap_flat", heapFlat);
        j.put("driver_bytes_ok", driverOk);
      }
    }
    out.println(json.writeValueAsString(last));
  }

  private static String verdict(double slope, boolean ok) {
    return Double.isNaN(slope) ? "n/a" : ok ? "yes" : "NO";
  }

  private static void putSlope(ObjectNode j, String name, double slope) {
    if (Double.isNaN(slope)) {
      j.putNull(name);
    } else {
      j.put(name, Math.round(slope * 1000) / 1000.0);
    }
  }

  private static String fmt(double slope) {
    return Double.isNaN(slope) ? "n/a (one size)" : String.format(Locale.ROOT, "%.3f", slope);
  }
}
