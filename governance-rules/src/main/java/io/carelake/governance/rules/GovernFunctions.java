package io.carelake.governance.rules;

import io.carelake.core.ids.ResidentIds;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The SQL functions rule predicates may call. Registered by name in the session because Deequ's
 * compliance metric evaluates SQL text, and text can only reach a UDF through its name.
 */
public final class GovernFunctions {

  /** {@code carelake_resident_id_valid(text) -> boolean}: GB 11643 length, digits, check digit. */
  public static final String RESIDENT_ID_VALID = "carelake_resident_id_valid";

  /**
   * {@code carelake_icd10_category_known(text) -> boolean}: the first three characters are a WHO
   * ICD-10 2019 three-character category ({@link Icd10Categories}).
   */
  public static final String ICD10_CATEGORY_KNOWN = "carelake_icd10_category_known";

  private GovernFunctions() {}

  public static void register(SparkSession spark) {
    spark.udf().register(RESIDENT_ID_VALID, new ResidentIdValid(), DataTypes.BooleanType);
    spark.udf().register(ICD10_CATEGORY_KNOWN, new Icd10CategoryKnown(), DataTypes.BooleanType);
  }

  /** Serializable; the category set is loaded once per executor JVM from the jar. */
  static final class Icd10CategoryKnown implements UDF1<String, Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean call(String code) {
      return code == null ? null : Icd10Categories.contains(code);
    }
  }

  /** Serializable by its interface; holds no state. */
  static final class ResidentIdValid implements UDF1<String, Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean call(String id) {
      return id == null ? null : ResidentIds.isValid(id);
    }
  }
}
