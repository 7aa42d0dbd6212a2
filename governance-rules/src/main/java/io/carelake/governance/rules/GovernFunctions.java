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

  private GovernFunctions() {}

  public static void register(SparkSession spark) {
    spark.udf().register(RESIDENT_ID_VALID, new ResidentIdValid(), DataTypes.BooleanType);
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
