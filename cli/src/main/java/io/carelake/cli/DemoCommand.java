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
    description = "Run kafka → generate → ingest → govern → deidentify → features → corpus → "
        + "risk-dataset → train → evaluate → report on one machine, and print a reconciled "
        + "summary with each outcome's cohort and test AUROC. A period too short for the risk "
        + "models (a year is needed: a month of prior observation, six months of follow-up) "
        + "skips them and says why.")
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
      // the cohort's index dates are month starts: a period without one has no risk rows at all
      String skipped = hasMonthStart() ? null : "the period " + interval + " holds no first of a"
          + " month, the risk cohort's index dates";
      for (Job job : List.of(Job.GOVERN, Job.DEIDENTIFY, Job.FEATURES, Job.CORPUS,
          Job.RISK_DATASET, Job.TRAIN, Job.EVALUATE)) {
        stage(n++, job.command() + " " + interval);
        if (skipped != null && RISK_STAGES.contains(job)) {
          out.println(job.command() + ": skipped, " + skipped);
          continue;
        }
        List<String> args = job == Job.EVALUATE ? concat(intervalArgs, "--all-iterations")
            : intervalArgs;
        rc = launcher.run(job, config, args);
        if (rc == 3 && job == Job.RISK_DATASET) {
          // too few labelled rows or events for a model: the period is the reason, not the data
          skipped = "no risk dataset: risk-dataset found too few labelled rows or events in "
              + interval + " to train and test a model (its reason is above and in the report)";
          out.println("risk-dataset: BLOCKED for this period; train and evaluate are skipped, the"
              + " rest of the demo goes on");
          continue;
        }
        if (rc == 3) {
          out.println(job.command() + ": BLOCKED by a governance or privacy rule; later stages skipped");
          blocked = 3;
          break;
        }
        if (rc != 0) {
          return fail(job.command(), rc);
        }
      }
      stage(STAGES, "report " + interval);
      rc = launcher.run(Job.REPORT, config, intervalArgs);
      if (rc != 0) {
        return fail("report", rc);
      }
      boolean reconciled = printSummary(config, kafka, began, skipped);
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

  /** The stages that need the risk cohort's index dates (features onwards, not the corpus). */
  private static final java.util.Set<Job> RISK_STAGES = java.util.EnumSet.of(Job.FEATURES,
      Job.RISK_DATASET, Job.TRAIN, Job.EVALUATE);

  /** Whether the batch interval holds the first of a month. */
  boolean hasMonthStart() {
    LocalDate first = intervalStart().withDayOfMonth(1);
    LocalDate next = first.equals(intervalStart()) ? first : first.plusMonths(1);
    return next.isBefore(start.plusDays(days));
  }

  /** Where the generator records what it published for these parameters. */
  Path manifest(CarelakeConfig config) {
    return GenerateCommand.manifestPath(config.home(),
        new GeneratorSettings(patients, days, seed, start, badRate));
  }

  static final int STAGES = 11;

  private void stage(int n, String what) {
    out.printf("%n== [%d/%d] %s%n", n, STAGES, what);
    out.flush();
  }

  private static List<String> concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  /**
   * Per outcome: the cohort (features' candidates, set aside and kept rows), the dataset's train
   * and test rows and events, and every iteration's test AUROC with its interval (evaluate's
   * method, as recorded), from the report.
   */
  private void printRiskModels(JsonNode report, String skipped) {
    Map<String, JsonNode> stages = new java.util.HashMap<>();
    report.path("stages").forEach(s -> stages.put(s.path("job").asText(), s));
    JsonNode features = stages.get("features");
    JsonNode dataset = stages.get("risk-dataset");
    out.printf("%n== risk models%n");
    if (features == null) {
      out.println("features: no run for this period" + (skipped == null ? "" : "; " + skipped));
      return;
    }
    Map<String, Map<String, Long>> byOutcome = new java.util.TreeMap<>();
    features.path("counts").fields().forEachRemaining(e -> {
      int dot = e.getKey().indexOf('.');
      if (dot > 0 && !e.getKey().startsWith("facts") && !e.getKey().startsWith("audit")) {
        byOutcome.computeIfAbsent(e.getKey().substring(0, dot), k -> new java.util.TreeMap<>())
            .put(e.getKey().substring(dot + 1), e.getValue().asLong());
      }
    });
    for (Map.Entry<String, Map<String, Long>> o : byOutcome.entrySet()) {
      long candidates = o.getValue().values().stream().mapToLong(Long::longValue).sum();
      long kept = o.getValue().getOrDefault("kept", 0L);
      StringBuilder aside = new StringBuilder();
      o.getValue().forEach((reason, count) -> {
        if (!reason.equals("kept") && count > 0) {
          aside.append(aside.length() == 0 ? "" : ", ")
              .append(String.format(Locale.ROOT, "%,d %s", count, reason.replace('_', ' ')));
        }
      });
      out.printf(Locale.ROOT, "%s: %,d candidate rows, %,d at risk with a complete follow-up%s%n",
          o.getKey(), candidates, kept, aside.length() == 0 ? "" : " (set aside: " + aside + ")");
      if (dataset != null && "SUCCEEDED".equals(dataset.path("status").asText())) {
        JsonNode c = dataset.path("counts");
        out.printf(Locale.ROOT, "  dataset: train %,d rows (%,d with the outcome), test %,d rows"
                + " (%,d with the outcome)%n", c.path(o.getKey() + ".train.rows").asLong(),
            c.path(o.getKey() + ".train.events").asLong(), c.path(o.getKey() + ".test.rows").asLong(),
            c.path(o.getKey() + ".test.events").asLong());
      }
      for (JsonNode e : report.path("evaluation")) {
        if (e.path("iteration_id").asText().startsWith(o.getKey() + "-")
            && "test".equals(e.path("split").asText()) && "auroc".equals(e.path("metric").asText())) {
          out.printf(Locale.ROOT, "  %-52s test AUROC %s (n %,d, %,d with the outcome)%n",
              e.path("iteration_id").asText(), e.path("value").isNull() ? "undefined"
                  : String.format(Locale.ROOT, "%.3f [%.3f, %.3f] %s", e.path("value").asDouble(),
                      e.path("ci_low").asDouble(), e.path("ci_high").asDouble(),
                      e.path("ci_method").asText()),
              e.path("n").asLong(), e.path("n_positive").asLong());
        }
      }
    }
    if (skipped != null) {
      String why = dataset == null ? "" : dataset.path("message").asText("");
      out.println("models: skipped. " + skipped + (why.isEmpty() ? "" : ": " + why));
    }
  }

  private int fail(String stage, int rc) {
    System.err.println("carelake demo: stage '" + stage + "' failed (exit " + rc
        + "); its messages are above. Fix the cause and rerun the demo: finished stages are idempotent.");
    return rc == 0 ? 1 : rc;
  }

  private boolean printSummary(CarelakeConfig config, EmbeddedKafka kafka, Instant began,
      String skipped) throws IOException {
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
    printRiskModels(report, skipped);
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
