package io.carelake.reports;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The model half of the lineage: for every model iteration the report names (evaluated, or
 * holding or having held a registry alias), the chain of snapshots back to raw — model iteration
 * ({@code models.iterations}) → risk dataset ({@code datasets.chronic_risk}, described by its row
 * of {@code datasets.chronic_risk_datasets}) → features ({@code features.chronic_risk}) →
 * {@code safe.*} → {@code curated.*} → {@code raw.*}.
 *
 * <p>Each link is resolved from two sources that must agree: the table's own columns (the
 * iteration's {@code run_id}, {@code dataset_id}, {@code dataset_snapshot_id},
 * {@code definition_hash}, {@code code_version}; the dataset's {@code run_id},
 * {@code features_snapshot_id}, {@code cohort_definition_hash}) and the ledger
 * ({@code governance.runs}: the run whose output snapshots hold the snapshot, and what it read).
 * A link that cannot be resolved — a run id the ledger does not hold, a snapshot no run wrote, a
 * column missing — is kept as an unresolved link with the reason, and the chain is marked
 * incomplete: nothing is dropped silently. The features table itself is not scanned (it holds a
 * row per patient and index date): its producing run and cohort definition hash come from the
 * ledger.
 */
public record ModelLineage(List<IterationChain> iterations, List<GraphNode> nodes,
    List<GraphEdge> edges, int width, int height) {

  /** The levels of a chain, from the model back to raw: one column each in the drawing. */
  static final List<String> LEVELS = List.of("iteration", "dataset", "features", "safe",
      "curated", "raw");
  static final int COLUMN_WIDTH = 200;
  static final int ROW_HEIGHT = 56;
  static final int BOX_WIDTH = 168;
  static final int BOX_HEIGHT = 40;
  private static final int CHAIN_GAP = 24;

  public ModelLineage {
    iterations = List.copyOf(iterations);
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * One iteration's chain: {@code complete} when every link resolved and raw was reached.
   */
  public record IterationChain(String iterationId, String outcome, boolean complete,
      List<Link> links) {
    public IterationChain {
      links = List.copyOf(links);
    }
  }

  /**
   * One snapshot of the chain. {@code runId}/{@code job}/{@code version}/{@code specHash}: the
   * run that wrote it, as the ledger records it (its code version and its spec, policy or cohort
   * definition hash); {@code columnHash}: the hash the table's own row records (the iteration's
   * definition hash, the dataset's cohort definition hash), {@code codeVersion}: the code version
   * the row records; {@code via}: how the link was found; {@code reads}: the ids of the links it
   * was made from. An unresolved link has {@code resolved} false and says why in {@code reason}.
   */
  public record Link(String id, String level, String table, Long snapshotId, String runId,
      String job, String version, String specHash, String columnHash, String codeVersion,
      String via, boolean resolved, String reason, List<String> reads) {
    public Link {
      reads = List.copyOf(reads);
    }
  }

  /** A box of the drawing: a link of one chain. */
  public record GraphNode(String id, String label, String detail, boolean resolved, int x,
      int y) {}

  /** A line of the drawing, from a link to the link it was made from. */
  public record GraphEdge(String from, String to, String path) {}

  /** What models.iterations records of an iteration (train's columns). */
  record IterationRow(String iterationId, String outcome, String runId, String datasetId,
      Long datasetSnapshotId, Long featureSnapshotId, String definitionHash,
      String codeVersion) {}

  /** What datasets.chronic_risk_datasets records of a risk dataset (risk-dataset's columns). */
  record DatasetRow(String datasetId, String runId, Long featuresSnapshotId,
      String cohortDefinitionHash) {}

  /** The ledger lookups the chains need. */
  interface Runs {
    /** The run with this id, or empty when the ledger has no such row. */
    Optional<Lineage.Hop> byId(String runId);

    /** The run whose output snapshots hold {@code table} at {@code snapshotId}, if any. */
    Optional<Lineage.Hop> producerOf(String table, long snapshotId);
  }

  static ModelLineage none() {
    return new ModelLineage(List.of(), List.of(), List.of(), 1, 1);
  }

  private static final String[] ITERATION_COLUMNS = {"iteration_id", "outcome", "run_id",
      "dataset_id", "dataset_snapshot_id", "feature_snapshot_id", "definition_hash",
      "code_version"};
  private static final String[] DATASET_COLUMNS = {"dataset_id", "run_id",
      "features_snapshot_id", "cohort_definition_hash"};

  /** The rows of models.iterations for {@code ids} (a handful), absent columns as null. */
  static Map<String, IterationRow> iterationRows(Optional<Dataset<Row>> iterations,
      List<String> ids) {
    Map<String, IterationRow> out = new TreeMap<>();
    if (iterations.isEmpty() || ids.isEmpty()) {
      return out;
    }
    for (Row r : RunResults.select(iterations.get().filter(col("iteration_id")
        .isin(ids.toArray())), ITERATION_COLUMNS, types(ITERATION_COLUMNS)).collectAsList()) {
      out.put(r.getString(0), new IterationRow(r.getString(0), r.getString(1), r.getString(2),
          r.getString(3), RunResults.longOrNull(r, 4), RunResults.longOrNull(r, 5),
          r.getString(6), r.getString(7)));
    }
    return out;
  }

  /** The rows of datasets.chronic_risk_datasets for {@code ids}. */
  static Map<String, DatasetRow> datasetRows(Optional<Dataset<Row>> datasets, List<String> ids) {
    Map<String, DatasetRow> out = new TreeMap<>();
    if (datasets.isEmpty() || ids.isEmpty()) {
      return out;
    }
    for (Row r : RunResults.select(datasets.get().filter(col("dataset_id").isin(ids.toArray())),
        DATASET_COLUMNS, types(DATASET_COLUMNS)).collectAsList()) {
      out.put(r.getString(0), new DatasetRow(r.getString(0), r.getString(1),
          RunResults.longOrNull(r, 2), r.getString(3)));
    }
    return out;
  }

  private static DataType[] types(String[] columns) {
    DataType[] types = new DataType[columns.length];
    for (int i = 0; i < columns.length; i++) {
      types[i] = columns[i].endsWith("_snapshot_id") ? DataTypes.LongType : DataTypes.StringType;
    }
    return types;
  }

  /** The ledger lookups on governance.runs (at the snapshot the report cites). */
  static Runs runs(Dataset<Row> ledger) {
    Lineage.Ledger lookups = Lineage.ledger(ledger, null);
    return new Runs() {
      @Override
      public Optional<Lineage.Hop> byId(String runId) {
        return runId == null ? Optional.empty()
            : Lineage.hops(ledger.filter(col("run_id").equalTo(runId))).stream().findFirst();
      }

      @Override
      public Optional<Lineage.Hop> producerOf(String table, long snapshotId) {
        return lookups.producersOf(Map.of(table, Set.of(snapshotId))).stream()
            .filter(h -> Long.valueOf(snapshotId).equals(h.writes().get(table))).findFirst();
      }
    };
  }

  /** The chains of {@code iterationIds}, in that order, and their drawing. */
  static ModelLineage of(List<String> iterationIds, Map<String, IterationRow> iterations,
      Map<String, DatasetRow> datasets, Runs runs) {
    List<IterationChain> chains = new ArrayList<>();
    for (String id : iterationIds) {
      chains.add(chain(id, iterations.get(id), datasets, runs));
    }
    return draw(chains);
  }

  private static IterationChain chain(String iterationId, IterationRow it,
      Map<String, DatasetRow> datasets, Runs runs) {
    List<Link> links = new ArrayList<>();
    String prefix = iterationId + ":";
    if (it == null) {
      links.add(unresolved(prefix, "iteration", "models.iterations", "models.iterations has no"
          + " row for iteration " + iterationId + " at the snapshot the report read"));
      return new IterationChain(iterationId, null, false, links);
    }
    // the iteration: its row names the train run; the ledger says which snapshot that run wrote
    Optional<Lineage.Hop> train = runs.byId(it.runId());
    Long iterationSnapshot = train.map(h -> h.writes().get("models.iterations")).orElse(null);
    String datasetId = "datasets.chronic_risk";
    Long datasetSnapshot = it.datasetSnapshotId() != null ? it.datasetSnapshotId()
        : train.map(h -> h.reads().get(datasetId)).orElse(null);
    String datasetLinkId = datasetSnapshot == null ? prefix + "dataset"
        : Lineage.id(datasetId, datasetSnapshot);
    links.add(new Link(prefix + "iteration", "iteration", "models.iterations", iterationSnapshot,
        it.runId(), train.map(Lineage.Hop::job).orElse(null),
        train.map(Lineage.Hop::version).orElse(null),
        train.map(Lineage.Hop::specHash).orElse(null), it.definitionHash(), it.codeVersion(),
        "models.iterations.run_id", train.isPresent(), train.isPresent() ? null
            : it.runId() == null ? "models.iterations has no run_id for this iteration"
            : "train run " + it.runId() + " (models.iterations.run_id) has no row in"
                + " governance.runs", List.of(datasetLinkId)));

    // the risk dataset: the snapshot the iteration names, written by a risk-dataset run
    DatasetRow ds = it.datasetId() == null ? null : datasets.get(it.datasetId());
    if (datasetSnapshot == null) {
      links.add(unresolved(prefix, "dataset", datasetId, "neither models.iterations"
          + ".dataset_snapshot_id nor the train run's inputs name the snapshot of " + datasetId));
      return done(it, links);
    }
    Optional<Lineage.Hop> riskRun = runs.producerOf(datasetId, datasetSnapshot);
    String via = "governance.runs output " + datasetId;
    if (riskRun.isEmpty() && ds != null) {
      riskRun = runs.byId(ds.runId());
      via = "datasets.chronic_risk_datasets.run_id";
    }
    Long featuresSnapshot = ds != null && ds.featuresSnapshotId() != null
        ? ds.featuresSnapshotId() : it.featureSnapshotId() != null ? it.featureSnapshotId()
        : riskRun.map(h -> h.reads().get("features.chronic_risk")).orElse(null);
    String featuresId = featuresSnapshot == null ? prefix + "features"
        : Lineage.id("features.chronic_risk", featuresSnapshot);
    String datasetReason = riskRun.isPresent() ? null : ds == null
        ? "no run in governance.runs wrote " + datasetId + " at " + datasetSnapshot + ", and "
            + (it.datasetId() == null ? "models.iterations has no dataset_id"
            : "datasets.chronic_risk_datasets has no row for dataset " + it.datasetId())
        : "no run in governance.runs wrote " + datasetId + " at " + datasetSnapshot
            + ", and risk-dataset run " + ds.runId() + " (datasets.chronic_risk_datasets.run_id)"
            + " has no row in governance.runs";
    links.add(new Link(datasetLinkId, "dataset", datasetId, datasetSnapshot,
        riskRun.map(Lineage.Hop::runId).orElse(ds == null ? null : ds.runId()),
        riskRun.map(Lineage.Hop::job).orElse(null), riskRun.map(Lineage.Hop::version)
        .orElse(null), riskRun.map(Lineage.Hop::specHash).orElse(null),
        ds == null ? null : ds.cohortDefinitionHash(), null, via + (ds == null ? ""
            : "; dataset " + ds.datasetId()), riskRun.isPresent(), datasetReason,
        List.of(featuresId)));

    // the features snapshot the dataset was built from, written by a features run
    if (featuresSnapshot == null) {
      links.add(unresolved(prefix, "features", "features.chronic_risk", "neither"
          + " datasets.chronic_risk_datasets.features_snapshot_id, models.iterations"
          + ".feature_snapshot_id nor the risk-dataset run's inputs name the features snapshot"));
      return done(it, links);
    }
    Optional<Lineage.Hop> featuresRun = runs.producerOf("features.chronic_risk",
        featuresSnapshot);
    List<Link> safe = featuresRun.map(h -> inputs(h, "safe.")).orElse(List.of());
    links.add(new Link(featuresId, "features", "features.chronic_risk", featuresSnapshot,
        featuresRun.map(Lineage.Hop::runId).orElse(null),
        featuresRun.map(Lineage.Hop::job).orElse(null),
        featuresRun.map(Lineage.Hop::version).orElse(null),
        featuresRun.map(Lineage.Hop::specHash).orElse(null), null, null,
        "governance.runs output features.chronic_risk", featuresRun.isPresent(),
        featuresRun.isPresent() ? null : "no run in governance.runs wrote features.chronic_risk"
            + " at " + featuresSnapshot + " (the features run that built dataset "
            + it.datasetId() + " is not in the ledger)", safe.stream().map(Link::id).toList()));
    if (featuresRun.isEmpty()) {
      return done(it, links);
    }
    if (safe.isEmpty()) {
      links.add(unresolved(prefix, "safe", "safe.*", "features run "
          + featuresRun.get().runId() + " recorded no safe.* input snapshot"));
      return done(it, links);
    }
    // safe → curated → raw, through the runs that wrote each snapshot
    List<Link> level = safe;
    for (String[] step : new String[][] {{"safe", "curated."}, {"curated", "raw."}}) {
      List<Link> next = new ArrayList<>();
      for (Link l : level) {
        Optional<Lineage.Hop> producer = runs.producerOf(l.table(), l.snapshotId());
        List<Link> read = producer.map(h -> inputs(h, step[1])).orElse(List.of());
        links.add(written(l, producer, read, step[0]));
        if (producer.isPresent() && read.isEmpty()) {
          links.add(unresolved(prefix, step[1].substring(0, step[1].length() - 1),
              step[1] + "*", producer.get().job() + " run " + producer.get().runId()
                  + " recorded no " + step[1] + "* input snapshot"));
        }
        read.stream().filter(r -> next.stream().noneMatch(n -> n.id().equals(r.id())))
            .forEach(next::add);
      }
      level = next;
    }
    for (Link raw : level) {
      // raw is where the chain ends: a streaming ingest commits before its run row is written,
      // so a raw snapshot without a producing run is the normal case, not a gap
      Optional<Lineage.Hop> ingest = runs.producerOf(raw.table(), raw.snapshotId());
      links.add(new Link(raw.id(), "raw", raw.table(), raw.snapshotId(),
          ingest.map(Lineage.Hop::runId).orElse(null), ingest.map(Lineage.Hop::job).orElse(null),
          ingest.map(Lineage.Hop::version).orElse(null), null, null, null, ingest.isPresent()
              ? "governance.runs output " + raw.table() : raw.via(), true, null, List.of()));
    }
    return done(it, links);
  }

  /** The snapshots a run read from tables starting with {@code zone}, as links still to resolve. */
  private static List<Link> inputs(Lineage.Hop run, String zone) {
    List<Link> out = new ArrayList<>();
    run.reads().forEach((t, s) -> {
      if (t.startsWith(zone)) {
        out.add(new Link(Lineage.id(t, s), zone.substring(0, zone.length() - 1), t, s, null,
            null, null, null, null, null, "read by " + run.job() + " run " + run.runId(), false,
            null, List.of()));
      }
    });
    return out;
  }

  private static Link written(Link l, Optional<Lineage.Hop> producer, List<Link> read,
      String level) {
    return new Link(l.id(), level, l.table(), l.snapshotId(),
        producer.map(Lineage.Hop::runId).orElse(null), producer.map(Lineage.Hop::job)
        .orElse(null), producer.map(Lineage.Hop::version).orElse(null),
        producer.map(Lineage.Hop::specHash).orElse(null), null, null,
        "governance.runs output " + l.table() + "; " + l.via(), producer.isPresent(),
        producer.isPresent() ? null : "no run in governance.runs wrote " + l.table() + " at "
            + l.snapshotId(), read.stream().map(Link::id).toList());
  }

  private static Link unresolved(String prefix, String level, String table, String reason) {
    return new Link(prefix + level, level, table, null, null, null, null, null, null, null,
        null, false, reason, List.of());
  }

  private static IterationChain done(IterationRow it, List<Link> links) {
    boolean complete = links.stream().allMatch(Link::resolved)
        && links.stream().anyMatch(l -> "raw".equals(l.level()));
    return new IterationChain(it.iterationId(), it.outcome(), complete, links);
  }

  /**
   * Lays the chains out one band under the other, a column per level, and draws a line from each
   * link to the links it was made from. Node ids are prefixed by the iteration so that two chains
   * sharing a snapshot are drawn apart (each chain reads on its own).
   */
  private static ModelLineage draw(List<IterationChain> chains) {
    List<GraphNode> nodes = new ArrayList<>();
    List<GraphEdge> edges = new ArrayList<>();
    int top = 10;
    for (IterationChain c : chains) {
      Map<String, GraphNode> byId = new LinkedHashMap<>();
      Map<String, Integer> rows = new TreeMap<>();
      for (Link l : c.links()) {
        int column = LEVELS.indexOf(l.level());
        int row = rows.merge(l.level(), 1, Integer::sum) - 1;
        String nodeId = c.iterationId() + "|" + l.id();
        GraphNode n = new GraphNode(nodeId, l.level().equals("iteration") ? c.iterationId()
            : l.table(), l.snapshotId() == null ? "unresolved" : "@" + shortId(l.snapshotId()),
            l.resolved(), 10 + Math.max(0, column) * COLUMN_WIDTH, top + row * ROW_HEIGHT);
        byId.putIfAbsent(l.id(), n);
        nodes.add(n);
      }
      for (Link l : c.links()) {
        GraphNode a = byId.get(l.id());
        for (String r : l.reads()) {
          GraphNode b = byId.get(r);
          if (b != null) {
            edges.add(new GraphEdge(a.id(), b.id(), path(a, b)));
          }
        }
      }
      int bandRows = rows.values().stream().mapToInt(Integer::intValue).max().orElse(1);
      top += bandRows * ROW_HEIGHT + CHAIN_GAP;
    }
    int width = 20 + (LEVELS.size() - 1) * COLUMN_WIDTH + BOX_WIDTH;
    return new ModelLineage(chains, nodes, edges, width, Math.max(1, top));
  }

  private static String path(GraphNode a, GraphNode b) {
    int x1 = a.x() + BOX_WIDTH;
    int y1 = a.y() + BOX_HEIGHT / 2;
    int x2 = b.x();
    int y2 = b.y() + BOX_HEIGHT / 2;
    int mid = (x1 + x2) / 2;
    return "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + ","
        + y2;
  }

  private static String shortId(long snapshotId) {
    String s = Long.toString(snapshotId);
    return s.length() <= 8 ? s : "…" + s.substring(s.length() - 7);
  }
}
