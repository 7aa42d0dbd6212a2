package io.carelake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.generator.GenerateCommand;
import io.carelake.generator.GeneratorSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code carelake demo}: the whole pipeline on one machine. Starts the embedded broker, generates a
 * synthetic population into Kafka, ingests it (bounded), runs every batch job over the generated
 * period, writes the report, and prints one summary whose counts reconcile at every stage.
 * Rerunning it adds nothing: the data set is published once per home and parameters, ingestion
 * resumes from its committed offsets, and every batch job replaces its interval.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run kafka → generate → ingest → govern → deidentify → features → corpus → train "
        + "→ evaluate → report on one machine, and print a reconciled summary.")
public final class DemoCommand implements Callable<Integer> {

  @Mixin HomeOptions home;

  @Option(names = "--patients", defaultValue = "2000", description = "Patients to generate (default ${DEFAULT-VALUE}).")
  int patients;

  @Option(names = "--days", defaultValue = "365", description = "Days of care to generate (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start", defaultValue = "2025-01-01", description = "First day generated (default ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(names = "--bad-rate", defaultValue = "0.02", description = "Share of bad messages planted (default ${DEFAULT-VALUE}).")
  double badRate;

  @Option(names = "--keep-kafka", description = "Leave the broker running at the end (default: stop it if the demo started it).")
  boolean keepKafka;

  /** Where the stages run. */
  enum Profile { embedded, cluster }

  @Option(names = "--profile", defaultValue = "embedded",
      description = "embedded: local JVMs, SQLite catalog, local warehouse (default); cluster: start"
          + " the cluster profile first (PostgreSQL catalog, HDFS warehouse, Spark standalone,"
          + " Flink session cluster; see 'carelake cluster --help') and submit every stage to it.")
  Profile profile;

  @Option(names = "--keep-cluster", description = "With --profile cluster: leave the cluster"
      + " running at the end (default: stop it if the demo started it).")
  boolean keepCluster;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Instant began = Instant.now();
    CarelakeConfig config = home.load();
    Launcher launcher = Launcher.fromSystem();
    ClusterProfile cluster = null;
    boolean startedCluster = false;
    if (profile == Profile.cluster) {
      out.println("== cluster profile");
      cluster = new ClusterProfile(config, launcher, out);
      // a profile found running (even in part) is left running at the end
      startedCluster = cluster.running().isEmpty();
      config = cluster.start();
    }
    EmbeddedKafka kafka = new EmbeddedKafka(config, out);
    boolean startedKafka = kafka.process().isEmpty();
    String interval = "[" + intervalStart() + ", " + start.plusDays(days) + ")";
    out.printf("carelake demo: %,d patients, %d days from %s, seed %d, home %s%n", patients, days,
        start, seed, config.home());
    out.printf("each job's full log: %s%n", config.home().resolve("logs"));
    try {
      stage(1, "kafka");
      config = kafka.start(config);
      PseudonymKeyFile.ensure(config, out);

      stage(2, "generate");
      Path manifest = manifest(config);
      if (Files.exists(manifest)) {
        out.println("generate: this data set is already published (" + manifest + "); not sending it again");
      } else {
        int rc = new CommandLine(new GenerateCommand()).execute(
            "--home", config.home().toString(), "--patients", String.valueOf(patients),
            "--days", String.valueOf(days), "--seed", String.valueOf(seed),
            "--start", start.toString(), "--bad-rate", String.valueOf(badRate));
        if (rc != 0) {
          return fail("generate", rc);
        }
      }

      stage(3, "ingest");
      int rc = launcher.run(Job.INGEST, config, List.of("--home", config.home().toString(), "--bounded"));
      if (rc != 0) {
        return fail("ingest", rc);
      }

      List<String> intervalArgs = List.of("--home", config.home().toString(),
          "--interval-start", intervalStart().toString(), "--interval-end",
          start.plusDays(days).toString());
      int n = 4;
      int blocked = 0;
      for (Job job : List.of(Job.GOVERN, Job.DEIDENTIFY, Job.FEATURES, Job.CORPUS, Job.TRAIN,
          Job.EVALUATE)) {
        stage(n++, job.command() + " " + interval);
        rc = launcher.run(job, config, intervalArgs);
        if (rc == 3) {
          out.println(job.command() + ": BLOCKED by a governance or privacy rule; later stages skipped");
          blocked = 3;
          break;
        }
        if (rc != 0) {
          return fail(job.command(), rc);
        }
      }
      stage(10, "report " + interval);
      rc = launcher.run(Job.REPORT, config, intervalArgs);
      if (rc != 0) {
        return fail("report", rc);
      }
      boolean reconciled = printSummary(config, kafka, began);
      if (blocked != 0) {
        return blocked;
      }
      return reconciled ? 0 : 1;
    } finally {
      if (cluster != null && startedCluster && !keepCluster) {
        cluster.stop();
      } else if (startedKafka && !keepKafka) {
        kafka.stop();
      }
    }
  }

  /**
   * The batch jobs' interval starts a day early: intervals are UTC days, and the generated clinics
   * are on +08:00, so the first morning's home readings (06:30 local) fall on the previous UTC day.
   */
  private LocalDate intervalStart() {
    return start.minusDays(1);
  }

  /** Where the generator records what it published for these parameters. */
  Path manifest(CarelakeConfig config) {
    return GenerateCommand.manifestPath(config.home(),
        new GeneratorSettings(patients, days, seed, start, badRate));
  }

  private void stage(int n, String what) {
    out.printf("%n== [%d/10] %s%n", n, what);
    out.flush();
  }

  private int fail(String stage, int rc) {
    System.err.println("carelake demo: stage '" + stage + "' failed (exit " + rc
        + "); its messages are above. Fix the cause and rerun the demo: finished stages are idempotent.");
    return rc == 0 ? 1 : rc;
  }

  private boolean printSummary(CarelakeConfig config, EmbeddedKafka kafka, Instant began)
      throws IOException {
    Path reportDir = Path.of(config.get(CarelakeConfig.REPORTS_DIR)).resolve("latest");
    JsonNode report = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile());
    out.printf("%n== summary (in = out + set aside at every stage)%n");
    out.printf("%-12s %-10s %12s %12s %12s  %s%n", "stage", "status", "in", "out", "set aside",
        "reconciles");
    boolean all = report.path("reconciled").asBoolean(false);
    for (JsonNode s : report.path("stages")) {
      JsonNode row = s;
      String job = s.path("job").asText();
      // a rerun's ingest reads nothing new: show what every ingest run together brought in
      if ("ingest".equals(job) && report.path("ingest_all_runs").isObject()) {
        row = report.path("ingest_all_runs");
        job = "ingest (all)";
      }
      out.printf(Locale.ROOT, "%-12s %-10s %,12d %,12d %,12d  %s%n", job,
          row.path("status").asText(), row.path("rows_in").asLong(), row.path("rows_out").asLong(),
          row.path("rows_set_aside").asLong(), row.path("reconciles").asBoolean() ? "yes" : "NO");
    }
    Map<String, Long> topics = kafka.messageCounts(config);
    long inKafka = topics.values().stream().mapToLong(Long::longValue).sum();
    List<String> tables = new ArrayList<>();
    for (JsonNode t : report.path("tables")) {
      tables.add(String.format(Locale.ROOT, "%s %,d", t.path("table").asText(), t.path("rows").asLong()));
    }
    out.printf(Locale.ROOT, "kafka: %,d messages on %s%n", inKafka, topics.keySet());
    out.println("tables: " + String.join(", ", tables));
    out.printf(Locale.ROOT, "reconciled: %s; wall time %.1f min%n", all ? "yes" : "NO",
        Duration.between(began, Instant.now()).toMillis() / 60000.0);
    out.println("report: " + reportDir.resolve("index.html").toAbsolutePath());
    return all;
  }
}
