package io.carelake.governance.rules;

import io.carelake.core.tables.TableName;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * What a rule may need beyond its own table while it prepares the slice: the session, and the
 * Spark name of another table (e.g. {@code carelake.raw.visits}) or empty when it does not exist.
 * Resolving a table is also how govern records it as one of the run's inputs.
 */
public record RuleContext(SparkSession spark, Function<TableName, Optional<String>> resolve) {

  /** A context for a plain catalog: every table is {@code <catalog>.<ns>.<name>} if it exists. */
  public static RuleContext of(SparkSession spark, String catalog) {
    return new RuleContext(spark, t -> {
      String name = catalog + "." + t;
      return spark.catalog().tableExists(name) ? Optional.of(name) : Optional.empty();
    });
  }

  /** A helper column name for {@code rule}, out of the way of raw columns. */
  static String helper(CompiledRule rule, String what) {
    return "__carelake_" + rule.id().replaceAll("[^A-Za-z0-9]", "_") + "_" + what;
  }
}
