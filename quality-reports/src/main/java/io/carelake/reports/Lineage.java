package io.carelake.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where every output of the report's runs came from: the chain of table snapshots back to raw
 * (model iteration → dataset → features → safe → curated → raw), read from the ledger's input and
 * output snapshot ids. A snapshot's producer is the run whose {@code output_snapshots} holds it;
 * when none does (a streaming commit recorded after the fact, a compaction), the nearest ancestor
 * snapshot that a run wrote stands in, and the node says so. Only data tables are drawn
 * (governance.* is the ledger's own bookkeeping).
 *
 * <p>Drawn as a layered graph (one column per zone, in pipeline order: snapshots as boxes, an
 * edge per run from what it read to what it wrote) and listed: every run with its id, job, status,
 * interval, carelake version, spec or policy hash, and what it read and wrote.
 */
public record Lineage(List<Node> nodes, List<Edge> edges, List<Hop> runs, List<Chain> chains,
    int width, int height) {

  /** Zones in pipeline order: a snapshot's column in the drawing. */
  static final List<String> ZONES = List.of("raw", "curated", "quarantine", "safe", "features",
      "datasets", "models", "evaluation");
  private static final int MAX_ROUNDS = 12;
  static final int COLUMN_WIDTH = 240;
  static final int ROW_HEIGHT = 64;
  static final int BOX_WIDTH = 160;
  static final int BOX_HEIGHT = 40;

  public Lineage {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    runs = List.copyOf(runs);
    chains = List.copyOf(chains);
  }

  /**
   * A table at a snapshot. {@code producedBy} is the run that wrote it (null: none found);
   * {@code note} says how it was found when not exactly. {@code x}, {@code y}: its box's corner.
   */
  public record Node(String id, String table, long snapshotId, String producedBy, String note,
      int x, int y) {

    /** The last digits of the snapshot id: enough to tell boxes apart in the drawing. */
    public String shortSnapshot() {
      String s = Long.toString(snapshotId);
      return s.length() <= 8 ? s : "…" + s.substring(s.length() - 7);
    }
  }

  /** A run read {@code from} and wrote {@code to}. */
  public record Edge(String from, String to, String runId, String job) {}

  /**
   * A run of the chain, as the ledger records it; {@code specHash} is the governance specs' hash
   * (govern) or the de-identification policy's (deidentify).
   */
  public record Hop(String runId, String job, String status, String intervalStart,
      String intervalEnd, String version, String specHash, Map<String, Long> reads,
      Map<String, Long> writes) {}

  /** From an output of the report's runs back to raw: the runs in order, and whether raw was reached. */
  public record Chain(String output, List<String> runIds, boolean reachesRaw, List<String> gaps) {}

  /** The ledger, as the lookups need it: a run by id, the producers of snapshots. */
  interface Ledger {
    /** The runs whose outputs hold any of {@code snapshots} (table → snapshot ids). */
    List<Hop> producersOf(Map<String, Set<Long>> snapshots);

    /** Snapshot ids of {@code table} that {@code snapshotId} descends from, nearest first. */
    List<Long> ancestorsOf(String table, long snapshotId);
  }

  /** Builds the lineage of {@code start} (the report's picked runs). */
  static Lineage of(List<Hop> start, Ledger ledger) {
    Map<String, Hop> runs = new LinkedHashMap<>();
    Map<String, String> producer = new LinkedHashMap<>();
    Map<String, String> notes = new LinkedHashMap<>();
    Set<String> nodes = new LinkedHashSet<>();
    Deque<Hop> todo = new ArrayDeque<>(start);
    Set<String> asked = new HashSet<>();
    for (int round = 0; round < MAX_ROUNDS && !todo.isEmpty(); round++) {
      Map<String, Set<Long>> unknown = new TreeMap<>();
      while (!todo.isEmpty()) {
        Hop run = todo.poll();
        if (runs.putIfAbsent(run.runId(), run) != null) {
          continue;
        }
        run.writes().forEach((t, s) -> {
          nodes.add(id(t, s));
          producer.putIfAbsent(id(t, s), run.runId());
        });
        run.reads().forEach((t, s) -> {
          nodes.add(id(t, s));
          if (!producer.containsKey(id(t, s)) && asked.add(id(t, s))) {
            unknown.computeIfAbsent(t, k -> new java.util.TreeSet<>()).add(s);
          }
        });
      }
      if (unknown.isEmpty()) {
        break;
      }
      for (Hop p : ledger.producersOf(unknown)) {
        todo.add(p);
        p.writes().forEach((t, s) -> producer.putIfAbsent(id(t, s), p.runId()));
      }
      // snapshots no run wrote: the nearest ancestor that a run wrote stands in
      for (Map.Entry<String, Set<Long>> e : unknown.entrySet()) {
        for (long s : e.getValue()) {
          if (producer.containsKey(id(e.getKey(), s))) {
            continue;
          }
          List<Long> ancestors = ledger.ancestorsOf(e.getKey(), s);
          if (ancestors.isEmpty()) {
            notes.put(id(e.getKey(), s), "no run in governance.runs wrote this snapshot, and its"
                + " history is not available");
            continue;
          }
          Map<String, Set<Long>> ask = Map.of(e.getKey(), new LinkedHashSet<>(ancestors));
          List<Hop> found = ledger.producersOf(ask);
          Hop nearest = null;
          long nearestSnapshot = 0;
          for (long a : ancestors) {
            for (Hop h : found) {
              if (nearest == null && Long.valueOf(a).equals(h.writes().get(e.getKey()))) {
                nearest = h;
                nearestSnapshot = a;
              }
            }
          }
          if (nearest == null) {
            notes.put(id(e.getKey(), s), "no run in governance.runs wrote this snapshot or one it"
                + " descends from (written outside carelake, or by a streaming commit the ledger"
                + " records only at the run's end)");
          } else {
            producer.put(id(e.getKey(), s), nearest.runId());
            notes.put(id(e.getKey(), s), "descends from snapshot " + nearestSnapshot + ", written by"
                + " run " + nearest.runId() + "; the commits after it were not recorded by a run");
            todo.add(nearest);
          }
        }
      }
    }
    return layout(runs, nodes, producer, notes, start);
  }

  private static Lineage layout(Map<String, Hop> runs, Set<String> nodeIds,
      Map<String, String> producer, Map<String, String> notes, List<Hop> start) {
    List<String> zonesUsed = nodeIds.stream().map(Lineage::zoneOf).distinct()
        .sorted(java.util.Comparator.comparingInt(ZONES::indexOf)).toList();
    Map<String, Integer> rowsInZone = new TreeMap<>();
    List<Node> nodes = new ArrayList<>();
    List<String> ordered = nodeIds.stream().sorted().toList();
    for (String id : ordered) {
      String zone = zoneOf(id);
      int row = rowsInZone.merge(zone, 1, Integer::sum) - 1;
      String table = id.substring(0, id.indexOf('@'));
      nodes.add(new Node(id, table, Long.parseLong(id.substring(id.indexOf('@') + 1)),
          producer.get(id), notes.get(id), 10 + zonesUsed.indexOf(zone) * COLUMN_WIDTH,
          10 + row * ROW_HEIGHT));
    }
    List<Edge> edges = new ArrayList<>();
    for (Hop h : runs.values()) {
      for (var in : h.reads().entrySet()) {
        for (var out : h.writes().entrySet()) {
          edges.add(new Edge(id(in.getKey(), in.getValue()), id(out.getKey(), out.getValue()),
              h.runId(), h.job()));
        }
      }
    }
    List<Chain> chains = new ArrayList<>();
    for (Hop s : start) {
      for (var out : s.writes().entrySet()) {
        chains.add(chain(id(out.getKey(), out.getValue()), runs, producer, notes));
      }
    }
    int height = 20 + Math.max(1, rowsInZone.values().stream().mapToInt(Integer::intValue).max()
        .orElse(1)) * ROW_HEIGHT;
    int width = 20 + Math.max(1, zonesUsed.size()) * COLUMN_WIDTH - (COLUMN_WIDTH - BOX_WIDTH);
    // the runs listed in pipeline order (ingest first), then by id
    List<Hop> listed = runs.values().stream().sorted(java.util.Comparator
        .comparingInt((Hop h) -> stageOrder(h.job())).thenComparing(Hop::runId)).toList();
    return new Lineage(nodes, edges, listed, chains, width, height);
  }

  /** Walks from {@code output} through producers and their reads, back to raw. */
  private static Chain chain(String output, Map<String, Hop> runs, Map<String, String> producer,
      Map<String, String> notes) {
    List<String> order = new ArrayList<>();
    List<String> gaps = new ArrayList<>();
    boolean raw = false;
    Deque<String> todo = new ArrayDeque<>(List.of(output));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String node = todo.poll();
      if (!seen.add(node)) {
        continue;
      }
      raw |= "raw".equals(zoneOf(node));
      Hop run = runs.get(producer.get(node));
      if (run == null) {
        if (!"raw".equals(zoneOf(node)) || notes.containsKey(node)) {
          gaps.add(node + ": " + notes.getOrDefault(node, "no run in governance.runs wrote it"));
        }
        continue;
      }
      if (!order.contains(run.runId())) {
        order.add(run.runId());
      }
      run.reads().forEach((t, s) -> todo.add(id(t, s)));
    }
    return new Chain(output, order, raw, gaps);
  }

  private static int stageOrder(String job) {
    int i = LedgerStages.PIPELINE.indexOf(job);
    return i < 0 ? LedgerStages.PIPELINE.size() : i;
  }

  static String id(String table, long snapshot) {
    return table + "@" + snapshot;
  }

  private static String zoneOf(String nodeId) {
    return nodeId.substring(0, nodeId.indexOf('.'));
  }

  /** True for the tables lineage draws: the data zones, not governance.* bookkeeping. */
  static boolean isData(String table) {
    int dot = table.indexOf('.');
    return dot > 0 && ZONES.contains(table.substring(0, dot));
  }

  /** Edges as SVG paths: from the right side of the source box to the left side of the target. */
  public List<String> paths() {
    Map<String, Node> byId = new LinkedHashMap<>();
    nodes.forEach(n -> byId.put(n.id(), n));
    List<String> out = new ArrayList<>();
    for (Edge e : edges) {
      Node a = byId.get(e.from());
      Node b = byId.get(e.to());
      int x1 = a.x() + BOX_WIDTH;
      int y1 = a.y() + BOX_HEIGHT / 2;
      int x2 = b.x();
      int y2 = b.y() + BOX_HEIGHT / 2;
      int mid = (x1 + x2) / 2;
      out.add("M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + ","
          + y2);
    }
    return out;
  }

  /** A run's name on the drawing, at the middle of its first edge. */
  public record Label(int x, int y, String text) {}

  /** One label per run that has an edge. */
  public List<Label> labels() {
    Map<String, Node> byId = new LinkedHashMap<>();
    nodes.forEach(n -> byId.put(n.id(), n));
    Map<String, Label> out = new LinkedHashMap<>();
    for (Edge e : edges) {
      Node a = byId.get(e.from());
      Node b = byId.get(e.to());
      // in the gap between the columns, just above the edge's middle
      out.putIfAbsent(e.runId(), new Label(a.x() + BOX_WIDTH + 6,
          (a.y() + b.y() + BOX_HEIGHT) / 2 - 6, e.job()));
    }
    return List.copyOf(out.values());
  }

  // ---------------------------------------------------------------- the ledger, read with Spark

  /**
   * The ledger lookups on {@code governance.runs} (at the snapshot the report cites) and the
   * Iceberg catalogue; each lookup is one small filtered query.
   */
  static Ledger ledger(Dataset<Row> runs, Catalog catalog) {
    return new Ledger() {
      @Override
      public List<Hop> producersOf(Map<String, Set<Long>> snapshots) {
        Column any = null;
        for (var e : snapshots.entrySet()) {
          Column c = col("_t").equalTo(e.getKey()).and(col("_s").isin(e.getValue().toArray()));
          any = any == null ? c : any.or(c);
        }
        if (any == null) {
          return List.of();
        }
        List<String> ids = runs.select(col("run_id"), explode(col("output_snapshots"))
            .as(new String[] {"_t", "_s"})).filter(any).select("run_id").distinct()
            .collectAsList().stream().map(r -> r.getString(0)).toList();
        return ids.isEmpty() ? List.of() : hops(runs.filter(col("run_id").isin(ids.toArray())));
      }

      @Override
      public List<Long> ancestorsOf(String table, long snapshotId) {
        TableName name;
        try {
          name = TableName.parse(table);
        } catch (IllegalArgumentException e) {
          return List.of();
        }
        if (!catalog.tableExists(CatalogFactory.identifier(name))) {
          return List.of();
        }
        Table t = catalog.loadTable(CatalogFactory.identifier(name));
        List<Long> out = new ArrayList<>();
        Snapshot s = t.snapshot(snapshotId);
        while (s != null && s.parentId() != null && out.size() < 1000) {
          out.add(s.parentId());
          s = t.snapshot(s.parentId());
        }
        return out;
      }
    };
  }

  /** Ledger rows as hops, with their data reads and writes only. */
  static List<Hop> hops(Dataset<Row> runs) {
    List<Hop> out = new ArrayList<>();
    for (Row r : runs.select("run_id", "job", "status", "interval_start", "interval_end",
        "version", "spec_hash", "input_snapshots", "output_snapshots").orderBy("run_id")
        .collectAsList()) {
      out.add(new Hop(r.getString(0), r.getString(1), r.getString(2),
          r.isNullAt(3) ? null : r.get(3).toString(), r.isNullAt(4) ? null : r.get(4).toString(),
          r.getString(5), r.isNullAt(6) ? null : r.getString(6), data(r, 7), data(r, 8)));
    }
    return out;
  }

  private static Map<String, Long> data(Row r, int i) {
    Map<String, Long> out = new TreeMap<>();
    if (!r.isNullAt(i)) {
      r.<String, Long>getJavaMap(i).forEach((t, s) -> {
        if (isData(t) && s != null) {
          out.put(t, s);
        }
      });
    }
    return out;
  }
}
