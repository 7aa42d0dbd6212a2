package io.carelake.features;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One patient's measurement facts, once, turned into the exact window sums of every index date of
 * the patient: for each (index date, measurement, window) the count, the sums of y, y², x, x², xy
 * (values in units of 1e-4, times in seconds from the index: whole numbers, added exactly), the
 * min, the max and the last value in (event_time, event_key) order.
 *
 * <p>Spark decides what each fact may feed: every fact row carries {@link #IN}, per index date of
 * its patient a bit mask of the windows it falls in, 0 where the visibility rule hides it (see
 * {@link CohortBuilder#measurements}). This function only adds: no clock, no time zone and no
 * rounding is decided here, so the sums are those of a join of every fact to every index date it
 * may feed, without the join's one row per (fact, index date).
 */
final class PatientWindows implements FlatMapGroupsFunction<String, Row, Row> {

  private static final long serialVersionUID = 1L;

  /** Input columns, in this order (see {@link CohortBuilder#measurements}). */
  static final String DATES = "_dates";
  static final String INDEX_SECONDS = "_index_seconds";
  static final String MICROS = "_micros";
  static final String UNITS = "_units";
  static final String SECONDS = "_seconds";
  static final String IN = "_in";
  static final List<String> INPUT = List.of(Facts.PATIENT, DATES, INDEX_SECONDS,
      CohortBuilder.MEASUREMENT, MICROS, "event_key", "value", UNITS, SECONDS, IN);
  /** The sums are whole numbers below 10^38, or null (as Spark's decimal(38, 0) sums). */
  private static final BigInteger LIMIT = BigInteger.TEN.pow(38);

  /** Spark's order of strings (UTF-8 bytes, unsigned), which is the order of code points. */
  private static final Comparator<String> CODE_POINTS = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  };
  private static final Comparator<Row> TIME_ORDER = Comparator.<Row>comparingLong(r -> r.getLong(4))
      .thenComparing(r -> r.getString(5), Comparator.nullsFirst(CODE_POINTS));

  private final List<String> measurements;
  private final List<Integer> windowsDays;

  PatientWindows(List<String> measurements, List<Integer> windowsDays) {
    this.measurements = List.copyOf(measurements);
    this.windowsDays = List.copyOf(windowsDays);
  }

  /** The sum columns of one measurement and window, as {@link WindowStatistics#statistics} reads them. */
  static String column(String measurement, int windowDays, String sum) {
    return "_" + measurement + "_" + windowDays + "_" + sum;
  }

  /** Patient, index date, then per measurement and window the nine sums (see {@link #column}). */
  StructType schema() {
    StructType s = new StructType().add(Facts.PATIENT, DataTypes.StringType, false)
        .add(IndexDates.INDEX_DATE, DataTypes.DateType, false);
    DataType decimal = DataTypes.createDecimalType(38, 0);
    for (String m : measurements) {
      for (int w : windowsDays) {
        for (String sum : CohortBuilder.SUMS) {
          DataType type = switch (sum) {
            case "n" -> DataTypes.LongType;
            case "min", "max", "last" -> DataTypes.DoubleType;
            default -> decimal;
          };
          s = s.add(column(m, w, sum), type, true);
        }
      }
    }
    return s;
  }

  @Override
  public Iterator<Row> call(String patient, Iterator<Row> facts) {
    List<Row> rows = new ArrayList<>();
    facts.forEachRemaining(rows::add);
    // ascending (event_time, event_key): the last fact a window sees is its latest
    rows.sort(TIME_ORDER);
    Row first = rows.get(0);
    List<Object> dates = first.getList(1);
    List<Long> indexSeconds = first.getList(2);
    int windows = windowsDays.size();
    Sums[][][] sums = new Sums[dates.size()][measurements.size()][windows];
    for (Row r : rows) {
      int m = r.getInt(3);
      Double value = r.isNullAt(6) ? null : r.getDouble(6);
      Long units = r.isNullAt(7) ? null : r.getLong(7);
      long seconds = r.getLong(8);
      List<Integer> in = r.getList(9);
      for (int d = 0; d < in.size(); d++) {
        Integer mask = in.get(d);
        if (mask == null || mask == 0) {
          continue;
        }
        long x = seconds - indexSeconds.get(d);
        for (int w = 0; w < windows; w++) {
          if ((mask & (1 << w)) != 0) {
            if (sums[d][m][w] == null) {
              sums[d][m][w] = new Sums();
            }
            sums[d][m][w].add(value, units, x);
          }
        }
      }
    }
    List<Row> out = new ArrayList<>();
    for (int d = 0; d < dates.size(); d++) {
      if (!any(sums[d])) {
        continue;
      }
      Object[] values = new Object[2 + measurements.size() * windows * CohortBuilder.SUMS.size()];
      values[0] = patient;
      values[1] = dates.get(d);
      int i = 2;
      for (int m = 0; m < measurements.size(); m++) {
        for (int w = 0; w < windows; w++) {
          Sums s = sums[d][m][w];
          if (s == null) {
            values[i] = 0L;
            i += CohortBuilder.SUMS.size();
          } else {
            i = s.into(values, i);
          }
        }
      }
      out.add(RowFactory.create(values));
    }
    return out.iterator();
  }

  private static boolean any(Sums[][] byMeasurement) {
    for (Sums[] byWindow : byMeasurement) {
      for (Sums s : byWindow) {
        if (s != null) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * One window's sums, with Spark's aggregate semantics: the count counts every fact, the sums of
   * values skip a null value (and are null when every value was), min and max skip nulls (NaN is
   * the largest double, as in Spark), "last" is the latest fact's value, null or not.
   */
  private static final class Sums {
    long n;
    final Exact sy = new Exact();
    final Exact syy = new Exact();
    final Exact sx = new Exact();
    final Exact sxx = new Exact();
    final Exact sxy = new Exact();
    Double min;
    Double max;
    Double last;

    void add(Double value, Long units, long x) {
      n++;
      sx.add(x);
      sxx.addProduct(x, x);
      if (units != null) {
        sy.add(units);
        syy.addProduct(units, units);
        sxy.addProduct(x, units);
      }
      if (value != null) {
        double v = value;
        if (min == null || v < min || (Double.isNaN(min) && !Double.isNaN(v))) {
          min = v;
        }
        if (max == null || v > max || (Double.isNaN(v) && !Double.isNaN(max))) {
          max = v;
        }
      }
      last = value;
    }

    /** Writes n, sy, syy, sx, sxx, sxy, min, max, last (the order of {@code SUMS}) from {@code i}. */
    int into(Object[] values, int i) {
      values[i] = n;
      values[i + 1] = sy.value();
      values[i + 2] = syy.value();
      values[i + 3] = sx.value();
      values[i + 4] = sxx.value();
      values[i + 5] = sxy.value();
      values[i + 6] = min;
      values[i + 7] = max;
      values[i + 8] = last;
      return i + 9;
    }
  }

  /** An exact sum of whole numbers: a long while it fits, then a BigInteger. */
  private static final class Exact {
    boolean present;
    long small;
    BigInteger big;

    void add(long v) {
      present = true;
      if (big == null) {
        long s = small + v;
        if (((small ^ s) & (v ^ s)) >= 0) {
          small = s;
          return;
        }
        big = BigInteger.valueOf(small);
      }
      big = big.add(BigInteger.valueOf(v));
    }

    void addProduct(long a, long b) {
      long hi = Math.multiplyHigh(a, b);
      long lo = a * b;
      if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
        add(lo);
        return;
      }
      present = true;
      big = (big == null ? BigInteger.valueOf(small) : big)
          .add(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)));
    }

    /** The sum as decimal(38, 0); null when nothing was added or it overflows (as Spark's sum). */
    BigDecimal value() {
      if (!present) {
        return null;
      }
      BigInteger v = big == null ? BigInteger.valueOf(small) : big;
      return v.abs().compareTo(LIMIT) >= 0 ? null : new BigDecimal(v);
    }
  }
}
