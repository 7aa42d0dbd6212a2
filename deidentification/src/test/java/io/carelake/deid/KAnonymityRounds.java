package io.carelake.deid;

import static io.carelake.deid.KAnonymity.CLASS_SIZE_COLUMN;
import static io.carelake.deid.KAnonymity.FACILITY_COLUMN;
import static io.carelake.deid.KAnonymity.KEY_COLUMN;
import static io.carelake.deid.KAnonymity.LEVEL_COLUMN;
import static io.carelake.deid.KAnonymity.SUPPRESSED;
import static io.carelake.deid.KAnonymity.region;
import static io.carelake.deid.KAnonymity.releasedKey;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The k-anonymity generalisation as it was before issue 18 (level by level: class counts over
 * the visits still under k, a join back onto those visits, a checkpoint, four rounds), kept as
 * the reference {@link TestKAnonymityOnePass} checks the one-pass {@link KAnonymity#generalise}
 * against, row for row.
 */
final class KAnonymityRounds {

  private KAnonymityRounds() {}

  private static Dataset<Row> withClassSize(Dataset<Row> rows, Dataset<Row> published) {
    Dataset<Row> members = rows.select(col(KEY_COLUMN), col("patient_pseudonym"));
    if (published != null) {
      members = members.unionByName(published.select(col(KEY_COLUMN), col("patient_pseudonym")));
    }
    Dataset<Row> classes = members.groupBy(col(KEY_COLUMN))
        .agg(countDistinct(col("patient_pseudonym")).as(CLASS_SIZE_COLUMN));
    return rows.join(classes, KEY_COLUMN);
  }

  static Dataset<Row> generalise(Dataset<Row> visits, int k, List<String> qis,
      Dataset<Row> published) {
    boolean sex = qis.contains("sex");
    boolean birth = qis.contains("birth_date");
    boolean facility = qis.contains("facility_id");
    Column key = releasedKey(qis);
    Dataset<Row> known = published == null ? null
        : published.withColumn(KEY_COLUMN, key).select(KEY_COLUMN, "patient_pseudonym")
            .distinct().localCheckpoint();
    // a staged birth year is exact; the levels below widen it (band 10, 20, 40) or withhold it
    Dataset<Row> banded = List.of(visits.columns()).contains(SafeRows.BIRTH_YEAR_BAND) ? visits
        : visits.withColumn(SafeRows.BIRTH_YEAR_BAND,
            when(col("birth_year").isNotNull(), lit(1)).cast("int"));
    // each level is checkpointed: the next one joins its classes back onto it, and without a
    // cut the plans of the four levels nest into one Spark takes minutes to analyse
    Dataset<Row> v0 = withClassSize(banded.withColumn(FACILITY_COLUMN, col("facility_id"))
        .withColumn(KEY_COLUMN, key), known).localCheckpoint();
    Dataset<Row> kept = v0.where(col(CLASS_SIZE_COLUMN).geq(k)).withColumn(LEVEL_COLUMN, lit(0));
    Dataset<Row> small = v0.where(col(CLASS_SIZE_COLUMN).lt(k)).drop(CLASS_SIZE_COLUMN);
    if (birth) {
      small = small
          .withColumn("age_at_visit", when(col("birth_year").isNull(), col("age_at_visit"))
              .cast("int"))
          .withColumn("birth_year", floor(col("birth_year").divide(10)).multiply(10).cast("int"))
          .withColumn(SafeRows.BIRTH_YEAR_BAND,
              when(col("birth_year").isNotNull(), lit(10)).cast("int"));
    }
    if (facility) {
      small = small.withColumn("facility_id", region(col("facility_id")));
    }
    Dataset<Row> v1 = withClassSize(small.withColumn(KEY_COLUMN, key), known).localCheckpoint();
    Dataset<Row> generalised = v1.where(col(CLASS_SIZE_COLUMN).geq(k))
        .withColumn(LEVEL_COLUMN, lit(1));
    // level 2, coarse: 20-year birth band, no location (small populations, sparse regions)
    Dataset<Row> smaller = v1.where(col(CLASS_SIZE_COLUMN).lt(k)).drop(CLASS_SIZE_COLUMN);
    if (birth) {
      smaller = smaller.withColumn("birth_year",
          floor(col("birth_year").divide(20)).multiply(20).cast("int"))
          .withColumn(SafeRows.BIRTH_YEAR_BAND,
              when(col("birth_year").isNotNull(), lit(20)).cast("int"));
    }
    if (facility) {
      smaller = smaller.withColumn("facility_id", lit(null).cast("string"));
    }
    Dataset<Row> v2 = withClassSize(smaller.withColumn(KEY_COLUMN, key), known)
        .localCheckpoint();
    Dataset<Row> coarse = v2.where(col(CLASS_SIZE_COLUMN).geq(k))
        .withColumn(LEVEL_COLUMN, lit(2));
    // level 3, coarsest: 40-year birth band (1920, 1960, 2000) and sex
    Dataset<Row> rest = v2.where(col(CLASS_SIZE_COLUMN).lt(k)).drop(CLASS_SIZE_COLUMN);
    if (birth) {
      rest = rest.withColumn("birth_year",
          floor(col("birth_year").minus(1920).divide(40)).multiply(40).plus(1920).cast("int"))
          .withColumn(SafeRows.BIRTH_YEAR_BAND,
              when(col("birth_year").isNotNull(), lit(40)).cast("int"));
    }
    Dataset<Row> v3 = withClassSize(rest.withColumn(KEY_COLUMN, key), known).localCheckpoint();
    Dataset<Row> coarsest = v3.where(col(CLASS_SIZE_COLUMN).geq(k))
        .withColumn(LEVEL_COLUMN, lit(3));
    Dataset<Row> suppressed = v3.where(col(CLASS_SIZE_COLUMN).lt(k));
    if (sex) {
      suppressed = suppressed.withColumn("sex", lit(null).cast("string"));
    }
    if (birth) {
      suppressed = suppressed.withColumn("birth_year", lit(null).cast("int"))
          .withColumn("age_at_visit", lit(null).cast("int"))
          .withColumn(SafeRows.BIRTH_YEAR_BAND, lit(null).cast("int"));
    }
    if (facility) {
      suppressed = suppressed.withColumn("facility_id", lit(null).cast("string"));
    }
    suppressed = suppressed.withColumn(LEVEL_COLUMN, lit(SUPPRESSED));
    return kept.unionByName(generalised).unionByName(coarse).unionByName(coarsest)
        .unionByName(suppressed);
  }

}
