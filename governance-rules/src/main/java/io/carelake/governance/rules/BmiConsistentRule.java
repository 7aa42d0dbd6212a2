package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.core.events.Codes;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bmi_consistent}: a BMI reading (LOINC 39156-5, kg/m2) agrees, within {@code tolerance}
 * kg/m2, with weight (29463-7, kg) / height (8302-2, cm, in metres squared) of the same patient on
 * the same UTC day (the mean when a day has several). A BMI with no weight or no height that day,
 * or in another unit, passes; other codes pass. {@code column} is the value column. Params:
 * {@code {tolerance: 1.0, patient_column: resident_id, code_column: code}} (all optional). The
 * expected BMI is added to the BMI rows before Deequ and the split ({@link #prepare}).
 */
final class BmiConsistentRule extends SqlPredicateRule {

  record Params(@JsonProperty("tolerance") Double tolerance,
      @JsonProperty("patient_column") String patientColumn,
      @JsonProperty("code_column") String codeColumn) {}

  static final RuleCompiler COMPILER = RuleCompiler.of("bmi_consistent", BmiConsistentRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, false,
        "{tolerance: 1.0, patient_column: resident_id, code_column: code}");
    double tol = p == null || p.tolerance() == null ? 1.0 : p.tolerance();
    if (!(tol > 0)) {
      throw rule.paramsError("params.tolerance must be a positive number of kg/m2, got " + tol);
    }
    if (rule.columns().size() != 1) {
      throw rule.error("bmi_consistent reads the value column (column: value), got "
          + rule.columns());
    }
    return new BmiConsistentRule(rule, tol,
        p == null || p.patientColumn() == null ? "resident_id" : p.patientColumn(),
        p == null || p.codeColumn() == null ? "code" : p.codeColumn());
  }

  private final double tolerance;
  private final String patientColumn;
  private final String codeColumn;

  private BmiConsistentRule(RuleSpec spec, double tolerance, String patientColumn,
      String codeColumn) {
    super(spec);
    this.tolerance = tolerance;
    this.patientColumn = patientColumn;
    this.codeColumn = codeColumn;
  }

  private String expected() {
    return RuleContext.helper(this, "expected_bmi");
  }

  /**
   * Adds the expected BMI to the slice's BMI rows. Weight and height are averaged per (patient,
   * UTC day) in one aggregate over the weight and height rows only, which is joined to the BMI rows
   * only; every other row gets null. Neither the aggregate nor the join moves the whole slice
   * (a window over (patient, day) did: a sort of every row with every column). A BMI row without
   * a patient matches no measurement, so it passes like one without weight or height that day.
   */
  @Override
  public Dataset<Row> prepare(Dataset<Row> slice, RuleContext ctx) {
    Column value = functions.col(spec().column());
    Column code = functions.col(codeColumn);
    Column unit = functions.col("unit");
    Column day = functions.to_date(functions.col("event_time"));
    String patientKey = RuleContext.helper(this, "patient");
    String dayKey = RuleContext.helper(this, "day");
    Dataset<Row> measured = slice
        .where(code.isin(Codes.LOINC_BODY_WEIGHT, Codes.LOINC_BODY_HEIGHT).and(value.gt(0))
            .and(functions.col(patientColumn).isNotNull()))
        .groupBy(functions.col(patientColumn).as(patientKey), day.as(dayKey))
        .agg(functions.avg(functions.when(code.equalTo(Codes.LOINC_BODY_WEIGHT)
                .and(unit.equalTo("kg")), value)).as("kg"),
            functions.avg(functions.when(code.equalTo(Codes.LOINC_BODY_HEIGHT)
                .and(unit.equalTo("cm")), value)).as("cm"))
        .select(functions.col(patientKey), functions.col(dayKey),
            functions.col("kg").divide(functions.pow(functions.col("cm").divide(100.0), 2))
                .as(expected()));
    Column isBmi = functions.coalesce(code.equalTo(Codes.LOINC_BMI), functions.lit(false));
    Dataset<Row> bmi = slice.where(isBmi)
        .join(measured, functions.col(patientColumn).equalTo(measured.col(patientKey))
            .and(day.equalTo(measured.col(dayKey))), "left_outer")
        .drop(patientKey, dayKey);
    Dataset<Row> others = slice.where(functions.not(isBmi))
        .withColumn(expected(), functions.lit(null).cast("double"));
    return bmi.unionByName(others);
  }

  @Override
  String passSql(StructType schema) {
    String v = SqlText.ident(spec().column());
    String e = SqlText.ident(expected());
    return "(" + SqlText.ident(codeColumn) + " IS NULL OR " + SqlText.ident(codeColumn) + " <> "
        + SqlText.string(Codes.LOINC_BMI) + " OR NOT (`unit` <=> 'kg/m2') OR " + v
        + " IS NULL OR " + e + " IS NULL OR abs(" + v + " - " + e + ") <= "
        + String.format(Locale.ROOT, "%s", tolerance) + ")";
  }

  @Override
  public Column reason(StructType schema) {
    return functions.concat(functions.lit("BMI "), functions.col(spec().column()).cast("string"),
        functions.lit(" differs by more than " + tolerance + " from weight/height^2 of the same"
            + " day = "), functions.format_number(functions.col(expected()), 1));
  }

  @Override
  String reasonText() {
    return "BMI differs from weight/height^2 of the same day by more than " + tolerance;
  }
}
