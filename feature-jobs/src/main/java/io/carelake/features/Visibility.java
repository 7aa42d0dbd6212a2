package io.carelake.features;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import org.apache.spark.sql.Column;

/**
 * Which facts a feature at an index instant may see, as a predicate over a fact joined to its index
 * (columns {@code event_time}, {@code available_time}). The job takes it through a field, as Flink
 * jobs take their sources, so that tests can plant a leaky rule and show that the leakage audit,
 * which recomputes from the history with its own code, catches it.
 */
@FunctionalInterface
interface Visibility extends Serializable {

  /** The rule: the fact happened before the index instant and was available before it. */
  Visibility POINT_IN_TIME = indexTs -> col("event_time").lt(indexTs)
      .and(col("available_time").lt(indexTs));

  Column visibleAt(Column indexTs);
}
