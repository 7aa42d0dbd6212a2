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

  static SubgroupCells of(Dataset<Row> rows, List<String> dimensions) {
    List<Cell> cells = new ArrayList<>();
    for (String d : dimensions) {
      List<Row> values = rows.filter(col(d).isNotNull()).groupBy(d)
          .agg(countDistinct("patient_hash")).orderBy(d).collectAsList();
      for (Row v : values) {
        cells.add(new Cell(cells.size(), d, v.getString(0), v.getLong(1)));
      }
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
