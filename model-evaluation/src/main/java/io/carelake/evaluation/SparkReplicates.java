package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.evaluation.bootstrap.Calibrators;
import io.carelake.evaluation.bootstrap.Chunk;
import io.carelake.evaluation.bootstrap.ChunkTotals;
import io.carelake.evaluation.bootstrap.PatientSums;
import io.carelake.evaluation.bootstrap.ReplicateSet;
import io.carelake.evaluation.bootstrap.ReplicateSweep;
import io.carelake.evaluation.bootstrap.SweepPlan;
import io.carelake.evaluation.bootstrap.SweepSums;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The replicate sweep on Spark: rows are range-partitioned by score (a run of tied scores never
 * spans two partitions) and sorted within each partition, highest first; each partition becomes
 * one {@link Chunk}, cached (built once: its per-row arrays serve both passes and the placements).
 * Pass 1 returns every partition's class weights per replicate (a few KB per
 * partition, to the driver), from which the driver works out what lies above each partition; pass
 * 2 sweeps every partition with those offsets and the partitions' sums are added up on the
 * executors ({@code treeReduce}). The sums that do not depend on the order of scores come from a
 * third computation: the rows hash-partitioned by patient, each partition's patients summed once ({@link
 * PatientSums}) and swept once per replicate, again added up on the executors. So 2,000 resamples
 * cost two reads of the cached chunks plus one read of about a row per patient's worth of sums, two
 * shuffles (the range partitioning and the one by patient), no window, and nothing the size of the
 * data on the driver: only per-partition and per-replicate sums.
 *
 * <p>The rows it takes have columns {@code score} (double), {@code label} (int 0/1),
 * {@code patient_hash} (long) and {@code cells} (array&lt;int&gt;).
 */
final class SparkReplicates {

  /** Rows per partition to aim for: each partition is swept once per replicate. */
  static final long ROWS_PER_PARTITION = 100_000;

  static final StructType PLACEMENT = new StructType()
      .add("patient_hash", DataTypes.LongType, false)
      .add("label", DataTypes.IntegerType, false)
      .add("placement", DataTypes.DoubleType, false);

  private final SparkSession spark;
  private final JavaRDD<Chunk> chunks;
  private final Dataset<Row> byPatient;
  private final SweepPlan plan;
  private final Calibrators calibrators;
  private List<ChunkTotals> totals;
  private Map<Integer, ChunkTotals.Offsets> offsets;

  private SparkReplicates(SparkSession spark, JavaRDD<Chunk> chunks, Dataset<Row> byPatient,
      SweepPlan plan, Calibrators calibrators) {
    this.spark = spark;
    this.chunks = chunks;
    this.byPatient = byPatient;
    this.plan = plan;
    this.calibrators = calibrators;
  }

  /**
   * Sorts the rows and caches them as chunks (one per partition, built once for both passes and
   * the placements); call {@link #close()} when done.
   */
  static SparkReplicates of(SparkSession spark, Dataset<Row> rows, long rowCount, SweepPlan plan,
      Calibrators calibrators) {
    int partitions = (int) Math.max(spark.sparkContext().defaultParallelism(),
        Math.min(256, (rowCount + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
    JavaRDD<Chunk> chunks = rows.select("score", "label", "patient_hash", "cells")
        .repartitionByRange(partitions, col("score").desc())
        .sortWithinPartitions(col("score").desc())
        .javaRDD().mapPartitions(it -> List.of(chunk(it, plan, calibrators)).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    // every row of a patient in one partition, in PatientSums' order (read once: not cached)
    Dataset<Row> byPatient = rows.select("score", "label", "patient_hash", "cells")
        .repartition(partitions, col("patient_hash"))
        .sortWithinPartitions(col("patient_hash"), col("score").desc(), col("label"));
    return new SparkReplicates(spark, chunks, byPatient, plan, calibrators);
  }

  /** Both passes; the replicates of every statistic. */
  ReplicateSet replicates() {
    SweepPlan p = plan;
    Calibrators cal = calibrators;
    totals = chunks.mapPartitionsWithIndex((index, chunk) ->
        List.of(ReplicateSweep.totals(index, chunk.next(), p)).iterator(), true).collect();
    offsets = ChunkTotals.offsets(totals, plan).stream()
        .collect(Collectors.toMap(ChunkTotals.Offsets::partition, o -> o));
    Broadcast<Map<Integer, ChunkTotals.Offsets>> shared =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(offsets);
    try {
      JavaRDD<double[]> sums = chunks.mapPartitionsWithIndex((index, chunk) -> List.of(
          ReplicateSweep.sweep(chunk.next(), p, shared.value().get(index))).iterator(), true);
      double[] all = sums.treeReduce(SweepSums::addInto, 2);
      SweepSums.addInto(all, byPatient.javaRDD().mapPartitions(rows -> {
        Columns c = Columns.of(rows);
        PatientSums patients = PatientSums.of(c.scores(), c.labels(), c.patients(), c.cells(), p,
            cal);
        return List.of(patients.sweep(p)).iterator();
      }, true).treeReduce(SweepSums::addInto, 2));
      return new ReplicateSet(plan, all, ChunkTotals.groupRows(totals, plan), calibrators);
    } finally {
      shared.destroy();
    }
  }

  /**
   * Every row's DeLong placement with its patient hash (after {@link #replicates()}), for
   * Obuchowski's variance: {@code patient_hash, label, placement}.
   */
  Dataset<Row> placements() {
    if (offsets == null) {
      throw new IllegalStateException("placements need the offsets of replicates() first");
    }
    // placements need replicate 0 only: ship those few numbers, not every replicate's offsets
    Map<Integer, ChunkTotals.Offsets> known = offsets.values().stream().collect(
        Collectors.toMap(ChunkTotals.Offsets::partition, ChunkTotals.Offsets::firstReplicate));
    JavaRDD<Row> rows = chunks.mapPartitionsWithIndex((index, it) -> {
      Chunk chunk = it.next();
      double[] placement = chunk.placements(known.get(index));
      List<Row> out = new ArrayList<>(chunk.size());
      for (int k = 0; k < chunk.size(); k++) {
        out.add(RowFactory.create(chunk.patient(k), chunk.label(k), placement[k]));
      }
      return out.iterator();
    }, true);
    return spark.createDataFrame(rows, PLACEMENT);
  }

  void close() {
    chunks.unpersist();
  }

  /** A partition's rows as a chunk (already in descending score order). */
  static Chunk chunk(Iterator<Row> rows, SweepPlan plan, Calibrators calibrators) {
    Columns c = Columns.of(rows);
    return Chunk.of(c.scores(), c.labels(), c.patients(), c.cells(), plan, calibrators);
  }

  /** Growable primitive columns of a partition. */
  private static final class Columns {
    private double[] score = new double[1024];
    private int[] label = new int[1024];
    private long[] patient = new long[1024];
    private int[][] cells = new int[1024][];
    private int n;

    static Columns of(Iterator<Row> rows) {
      Columns c = new Columns();
      while (rows.hasNext()) {
        c.add(rows.next());
      }
      return c;
    }

    void add(Row r) {
      if (n == score.length) {
        int size = n * 2;
        score = java.util.Arrays.copyOf(score, size);
        label = java.util.Arrays.copyOf(label, size);
        patient = java.util.Arrays.copyOf(patient, size);
        cells = java.util.Arrays.copyOf(cells, size);
      }
      score[n] = r.getDouble(0);
      label[n] = r.getInt(1);
      patient[n] = r.getLong(2);
      List<Integer> list = r.getList(3);
      int[] c = new int[list.size()];
      for (int i = 0; i < c.length; i++) {
        c[i] = list.get(i);
      }
      cells[n] = c;
      n++;
    }

    double[] scores() {
      return java.util.Arrays.copyOf(score, n);
    }

    int[] labels() {
      return java.util.Arrays.copyOf(label, n);
    }

    long[] patients() {
      return java.util.Arrays.copyOf(patient, n);
    }

    int[][] cells() {
      return java.util.Arrays.copyOf(cells, n);
    }
  }
}
