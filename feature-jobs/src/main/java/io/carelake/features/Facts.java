package io.carelake.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import io.carelake.core.events.Codes;
import io.carelake.features.cohort.CodeSet;
import io.carelake.features.cohort.DrugAtc;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * safe.visits and safe.vitals in the shape the cohort needs: one clock column
 * ({@code available_time}, see {@link Clock}), diagnoses normalised (upper case, no spaces),
 * prescriptions as ATC codes ({@link DrugAtc}). A safe table from before record times were carried
 * reads with {@code record_time} null.
 */
final class Facts {

  static final String PATIENT = "patient_pseudonym";

  private Facts() {}

  private static Column optional(Dataset<Row> df, String column, String type) {
    return List.of(df.columns()).contains(column) ? col(column) : lit(null).cast(type);
  }

  static Dataset<Row> visits(Dataset<Row> safeVisits, Clock clock, DrugAtc drugs) {
    Dataset<Row> v = safeVisits.withColumn("record_time",
        optional(safeVisits, "record_time", "timestamp"));
    UserDefinedFunction atc = udf((UDF1<scala.collection.Seq<Row>, List<String>>) rx -> {
      List<String> out = new ArrayList<>();
      if (rx != null) {
        scala.collection.Iterator<Row> it = rx.iterator();
        while (it.hasNext()) {
          Row r = it.next();
          String code = r == null ? null : drugs.atcOf(r.getString(r.fieldIndex("drug")));
          if (code != null) {
            out.add(code);
          }
        }
      }
      return out;
    }, DataTypes.createArrayType(DataTypes.StringType));
    return v.select(col(PATIENT), col("event_key"), col("event_time"),
        clock.availableTime().as("available_time"), col("record_time"),
        col("visit_type"), col("sex"), col("birth_year"),
        optional(safeVisits, "birth_year_band_years", "int").as("birth_year_band_years"),
        col("age_at_visit"), col("facility_id"),
        expr("transform(coalesce(diagnoses, array()), d -> "
            + CodeSet.sqlNormalise("d") + ")").as("diagnoses"),
        coalesce(atc.apply(col("prescriptions")), array().cast("array<string>")).as("atc"));
  }

  /**
   * A result of one of the codes in the code's canonical unit: anything else (glucose in mg/dL that
   * slipped past governance) is read neither as a feature nor as a phenotype.
   */
  static Column canonical(List<String> loinc) {
    Column any = lit(false);
    for (String code : loinc) {
      String unit = Codes.CANONICAL_UNIT.get(code);
      Column c = col("code").equalTo(code);
      any = any.or(unit == null ? c : c.and(col("unit").equalTo(unit)));
    }
    return any;
  }

  static Dataset<Row> vitals(Dataset<Row> safeVitals, Clock clock) {
    Dataset<Row> v = safeVitals.withColumn("record_time",
        optional(safeVitals, "record_time", "timestamp"));
    return v.select(col(PATIENT), col("event_key"), col("event_time"),
        clock.availableTime().as("available_time"), col("record_time"), col("code"),
        col("value"), col("unit"), col("source"));
  }
}
