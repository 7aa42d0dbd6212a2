package io.carelake.governance.rules;

import java.math.BigDecimal;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark SQL text for rule predicates. Predicates are SQL text rather than {@code Column}s because
 * Deequ's compliance metric takes SQL; the row-level split parses the same text, so both sides
 * measure exactly the same thing.
 */
final class SqlText {

  private SqlText() {}

  /** {@code `column`}, with backticks doubled. */
  static String ident(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  /** A string literal with backslashes and quotes escaped (Spark's default literal syntax). */
  static String string(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A decimal literal without exponent, e.g. {@code 1.5BD} would be wrong: {@code 1.5}. */
  static String number(BigDecimal value) {
    return value.toPlainString();
  }

  static DataType type(StructType schema, String column) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    return null;
  }

  static boolean isString(StructType schema, String column) {
    return type(schema, column) instanceof StringType;
  }

  static boolean isCollection(StructType schema, String column) {
    DataType t = type(schema, column);
    return t instanceof ArrayType || t instanceof MapType;
  }

  static boolean isStringArray(StructType schema, String column) {
    return type(schema, column) instanceof ArrayType a && a.elementType() instanceof StringType;
  }
}
