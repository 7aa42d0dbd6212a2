package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baselines' medians: the value of rank ⌈n/2⌉ without nulls and NaN, by hand on small
 * columns, and equal to what {@code approxQuantile} with relative error 0 (the former way, which
 * shipped whole columns to the driver) gives on random columns with ties, nulls, even and odd
 * counts, spread over several partitions.
 */
class TestMedians {

  @TempDir static Path home;
  static SparkSession spark;

  static final StructType SCHEMA = new StructType()
      .add("a", DataTypes.DoubleType).add("b", DataTypes.IntegerType)
      .add("c", DataTypes.DoubleType);

  @BeforeAll
  static void start() {
    spark = LocalSpark.session(CarelakeConfig.load(home));
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop();
  }

  static Dataset<Row> frame(List<Row> rows, int partitions) {
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  @Test
  void theMedianIsTheValueOfRankHalfNRoundedUpWithoutNullsAndNaN() {
    // a: 5, 1, 3, 2 and a NaN -> sorted 1 2 3 5, n = 4, rank 2: 2 (not 2.5)
    // b: 7, 9, 8 and a null   -> sorted 7 8 9, n = 3, rank 2: 8
    // c: no value at all      -> 0
    List<Row> rows = List.of(RowFactory.create(5.0, 7, null), RowFactory.create(1.0, 9, null),
        RowFactory.create(3.0, null, null), RowFactory.create(2.0, 8, null),
        RowFactory.create(Double.NaN, null, null));
    assertThat(Medians.of(frame(rows, 3), List.of("a", "b", "c")))
        .containsExactly(Map.entry("a", 2.0), Map.entry("b", 8.0), Map.entry("c", 0.0));
    assertThat(Medians.of(frame(rows.subList(0, 1), 1), List.of("a"))).containsEntry("a", 5.0);
  }

  @Test
  void theMediansAreThoseOfAnExactApproxQuantileOnRandomColumns() {
    Random random = new Random(20261207);
    for (int n : new int[] {1, 2, 7, 100, 1001, 4000}) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        rows.add(RowFactory.create(
            random.nextInt(10) == 0 ? null : Math.round(random.nextGaussian() * 300) / 10.0,
            random.nextInt(7) == 0 ? null : 90 + random.nextInt(60),
            random.nextDouble()));
      }
      Dataset<Row> d = frame(rows, 4);
      String[] cols = {"a", "b", "c"};
      double[][] exact = d.selectExpr("cast(a as double) a", "cast(b as double) b",
          "cast(c as double) c").stat().approxQuantile(cols, new double[] {0.5}, 0);
      Map<String, Double> medians = Medians.of(d, List.of(cols));
      for (int i = 0; i < cols.length; i++) {
        double expected = exact[i].length == 0 ? 0.0 : exact[i][0];
        assertThat(medians.get(cols[i])).as("column %s, n = %d", cols[i], n)
            .isEqualTo(expected);
      }
    }
  }
}
