package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The subgroup cells of one evaluation: every value of every subgroup column the predictions have
 * (sex, age band, region, facility type), numbered, and each row's cells as an int array (one per
 * dimension whose value is not null). The number of distinct values is small (tens); only they and
 * each cell's patient count reach the driver.
 */
final class SubgroupCells {

  /** A cell: {@code dimension = value}, its index in the sweep, and its patients. */
  record Cell(int index, String dimension, String value, long patients) {
    String label() {
      return dimension + "=" + value;
    }
  }

  private final List<Cell> cells;

  private SubgroupCells(List<Cell> cells) {
    this.cells = List.copyOf(cells);
  }

  static SubgroupCells none() {
    return new SubgroupCells(List.of());
  }

  /**
   * What an evaluation needs to know about its rows before the sweep: rows, events, patients and
   * the score range of all rows, and the subgroup cells.
   */
  record Profile(long n, long events, long patients, double minScore, double maxScore,
      SubgroupCells cells) {}

  /**
   * The counts of all rows and of every (dimension, value), with their patients, in two group-bys:
   * first per patient and combination of subgroup values (rows, events, score range; a patient
   * usually keeps one combination, so this leaves about one row per patient), then those rows
   * exploded into an "all rows" pair (dimension null) and one pair per dimension, grouped by pair:
   * distinct patients, rows, events and the score range. The counts are integers, so they are the
   * same as separate aggregations over the rows would give; the cells come in dimension then value
   * order.
   */
  static Profile profile(Dataset<Row> rows, List<String> dimensions) {
    List<Column> keys = new ArrayList<>(List.of(col("patient_hash")));
    List<Column> pairs = new ArrayList<>();
    pairs.add(functions.struct(lit(null).cast("string").as("dimension"),
        lit(null).cast("string").as("value")));
    for (String d : dimensions) {
      keys.add(col(d));
      pairs.add(functions.struct(lit(d).as("dimension"), col(d).as("value")));
    }
    Dataset<Row> perPatient = rows.groupBy(keys.toArray(Column[]::new)).agg(
        functions.count(lit(1)).as("rows"), functions.sum("label").cast("long").as("events"),
        functions.min("score").as("min_score"), functions.max("score").as("max_score"));
    List<Row> values = perPatient.select(col("patient_hash"), col("rows"), col("events"),
            col("min_score"), col("max_score"),
            functions.explode(functions.array(pairs.toArray(Column[]::new))).as("cell"))
        .filter(col("cell.dimension").isNull().or(col("cell.value").isNotNull()))
        .groupBy(col("cell.dimension").as("dimension"), col("cell.value").as("value"))
        .agg(countDistinct("patient_hash"), functions.sum("rows"),
            functions.sum("events"), functions.min("min_score"), functions.max("max_score"))
        .collectAsList();
    Row all = values.stream().filter(v -> v.isNullAt(0)).findFirst().orElse(null);
    List<Row> cellValues = values.stream().filter(v -> !v.isNullAt(0)).toList();
    SubgroupCells cells = dimensions.isEmpty() ? none() : of(cellValues, dimensions);
    if (all == null) {
      return new Profile(0, 0, 0, Double.NaN, Double.NaN, cells);
    }
    return new Profile(all.getLong(3), all.isNullAt(4) ? 0 : all.getLong(4), all.getLong(2),
        all.getDouble(5), all.getDouble(6), cells);
  }

  /** The cells of rows {@code dimension, value, patients, ...}, in dimension then value order. */
  private static SubgroupCells of(List<Row> values, List<String> dimensions) {
    List<Cell> cells = new ArrayList<>();
    for (String d : dimensions) {
      values.stream().filter(v -> v.getString(0).equals(d))
          .sorted(java.util.Comparator.comparing(v -> v.getString(1)))
          .forEach(v -> cells.add(new Cell(cells.size(), d, v.getString(1), v.getLong(2))));
    }
    return new SubgroupCells(cells);
  }

  List<Cell> cells() {
    return cells;
  }

  int size() {
    return cells.size();
  }

  /** The dimensions that have at least one cell, in order. */
  List<String> dimensions() {
    return cells.stream().map(Cell::dimension).distinct().toList();
  }

  List<Cell> of(String dimension) {
    return cells.stream().filter(c -> c.dimension().equals(dimension)).toList();
  }

  /** {@code rows} with {@code cells}: the indexes of the row's cells. */
  Dataset<Row> withCells(Dataset<Row> rows) {
    List<Column> perDimension = new ArrayList<>();
    for (String d : dimensions()) {
      Column c = null;
      for (Cell cell : of(d)) {
        Column branch = col(d).equalTo(lit(cell.value()));
        c = c == null ? when(branch, lit(cell.index())) : c.when(branch, lit(cell.index()));
      }
      perDimension.add(c);
    }
    if (perDimension.isEmpty()) {
      return rows.withColumn("cells", functions.array().cast("array<int>"));
    }
    return rows.withColumn("cells", functions.array_compact(
        functions.array(perDimension.toArray(Column[]::new))));
  }
}
