package io.carelake.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * What evaluating one iteration produced, before any write: the rows of each evaluation table,
 * the registry moves a passing gate asks for ({@code outcome, iteration}) and the gate's
 * rejections (sentences).
 */
record IterationRows(List<Row> results, List<Row> curves, List<Row> gaps, List<Row> comparisons,
    List<Row> decisions, List<String[]> promotions, List<String> rejections) {

  IterationRows() {
    this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }
}
