package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The visits the corpus may use: the date-shifted release ({@code safe.visits_date_shifted},
 * written by {@code deidentify} with per-patient offsets), restricted to the events of the
 * interval. The shifted table holds every interval's events at shifted times, so the interval's
 * events are found by their real {@code event_time} in {@code safe.visits} (joined on the keyed
 * {@code event_key}); only the shifted values are ever selected for a document. Both tables are
 * read at pinned snapshots that the ledger must vouch for ({@link ReleaseCheck}).
 */
final class ReleasedVisits {

  /** deidentify's date-shifted copy of safe.visits (deidentification's DateShift.SHIFTED_VISITS). */
  static final TableName SHIFTED_VISITS = TableName.of("safe", "visits_date_shifted");
  /** deidentify's date-shifted copy of safe.vitals: the vital signs of the instruction tasks. */
  static final TableName SHIFTED_VITALS = TableName.of("safe", "vitals_date_shifted");

  static final String REAL_EVENT_TIME = "_real_event_time";
  static final String REAL_TEXT = "_real_text";
  static final String SHIFT_DAYS = "shift_days";
  static final String IN_RELEASE = "_in_release";

  private final PinnedTable shifted;
  private final PinnedTable safe;
  private final PinnedTable vitals;
  private final Dataset<Row> rows;

  private ReleasedVisits(PinnedTable shifted, PinnedTable safe, PinnedTable vitals,
      Dataset<Row> rows) {
    this.shifted = shifted;
    this.safe = safe;
    this.vitals = vitals;
    this.rows = rows;
  }

  /**
   * Reads both tables at their current snapshots, records them as inputs, and refuses (a
   * {@link BlockedException}, exit 3) unless the ledger shows the interval governed and
   * de-identified by succeeded runs that published exactly these snapshots.
   */
  static ReleasedVisits read(SparkSession spark, JobContext ctx) {
    Interval interval = ctx.interval();
    if (!ctx.tableExists(SHIFTED_VISITS)) {
      throw new BlockedException(SHIFTED_VISITS + " does not exist in catalog '"
          + ctx.catalogName() + "': the corpus is built only from the date-shifted release."
          + " Set deid.date-shift-days (or date_shift.max_days in the deid policy) to at least 1"
          + " and rerun `deidentify` for " + interval + ", then `corpus`.");
    }
    PinnedTable shifted = PinnedTable.read(spark, ctx, SHIFTED_VISITS, "deidentify");
    PinnedTable safe = PinnedTable.read(spark, ctx, Tables.SAFE_VISITS, "deidentify");
    PinnedTable vitals = PinnedTable.read(spark, ctx, SHIFTED_VITALS, "deidentify");
    if (!ctx.tableExists(Tables.GOVERNANCE_RUNS)) {
      throw new BlockedException("governance.runs does not exist in catalog '" + ctx.catalogName()
          + "': nothing shows that " + interval + " was governed and de-identified. Run `govern`"
          + " and `deidentify` for the interval, then `corpus`.");
    }
    Map<String, Long> read = new LinkedHashMap<>();
    read.put(SHIFTED_VISITS.toString(), shifted.snapshotId());
    read.put(Tables.SAFE_VISITS.toString(), safe.snapshotId());
    read.put(SHIFTED_VITALS.toString(), vitals.snapshotId());
    Long ledgerSnapshot = ctx.currentSnapshot(Tables.GOVERNANCE_RUNS);
    ReleaseCheck.refusal(ReleaseCheck.read(PinnedTable.at(spark, ctx, Tables.GOVERNANCE_RUNS,
            ledgerSnapshot)), interval, read, Tables.CURATED_VISITS.toString())
        .ifPresent(why -> {
          throw new BlockedException("corpus refused for " + interval + ": " + why);
        });
    return new ReleasedVisits(shifted, safe, vitals, join(shifted.rows(), safe.rows(), interval));
  }

  /**
   * The interval's events (real time in the interval) with their released, shifted columns, the
   * real time and text kept aside (underscore columns, never exported) for the date-leak check,
   * and whether the event is in the release at all; {@code event_key} becomes {@code doc_id}.
   */
  static Dataset<Row> join(Dataset<Row> shiftedRows, Dataset<Row> safeRows, Interval interval) {
    Dataset<Row> real = safeRows.where(IcebergWrites.inInterval("event_time", interval))
        .select(col("event_key"), col("event_time").as(REAL_EVENT_TIME),
            VisitNotes.text().as(REAL_TEXT));
    Dataset<Row> released = shiftedRows.withColumn(IN_RELEASE, functions.lit(true));
    return real.join(released, real.col("event_key").equalTo(released.col("event_key")), "left")
        .drop(released.col("event_key"))
        .withColumn(IN_RELEASE, functions.coalesce(col(IN_RELEASE), functions.lit(false)))
        .withColumn(SHIFT_DAYS, expr("CAST(floor((unix_micros(event_time) - unix_micros("
            + REAL_EVENT_TIME + ")) / 86400000000) AS INT)"))
        // a document's id is the keyed event key
        .withColumnRenamed("event_key", "doc_id");
  }

  PinnedTable shifted() {
    return shifted;
  }

  PinnedTable safe() {
    return safe;
  }

  PinnedTable vitals() {
    return vitals;
  }

  Dataset<Row> rows() {
    return rows;
  }

  // --- real dates in the released text -------------------------------------------------------

  /**
   * Dates as written in notes: 2025-03-02, 2025/3/2, 2025.03.02, 2025年3月2日; read as
   * (year, month, day) so that a real date written in another form is still found.
   */
  static final Pattern DATE = Pattern.compile(
      "(?<![0-9])((?:19|20)\\d{2})\\s*(?:[-/.]|年)\\s*(\\d{1,2})\\s*(?:[-/.]|月)\\s*(\\d{1,2})(?![0-9])");

  /** The calendar dates written in a text, as yyyy-MM-dd (invalid dates skipped). */
  static Set<String> datesIn(String text) {
    Set<String> dates = new TreeSet<>();
    if (text == null) {
      return dates;
    }
    Matcher m = DATE.matcher(text);
    while (m.find()) {
      try {
        dates.add(LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3))).toString());
      } catch (java.time.DateTimeException e) {
        // not a calendar date (2025-13-40): not a date that could leak
      }
    }
    return dates;
  }

  /**
   * How many dates of the released text are real: the visit's real date, or a date written in
   * the real (unshifted) text of the same visit. Released dates must all have moved.
   */
  static final UDF3<String, String, String, Integer> REAL_DATES = (released, realDay, realText) -> {
    if (released == null || released.isEmpty()) {
      return 0;
    }
    Set<String> real = datesIn(realText);
    if (realDay != null) {
      real.add(realDay);
    }
    int n = 0;
    for (String d : datesIn(released)) {
      if (real.contains(d)) {
        n++;
      }
    }
    return n;
  };

  /** Number of real dates in the column {@code text} of a joined row. */
  static Column realDatesIn(String text) {
    UserDefinedFunction udf = functions.udf(REAL_DATES, DataTypes.IntegerType);
    return udf.apply(col(text), functions.date_format(col(REAL_EVENT_TIME), "yyyy-MM-dd"),
        col(REAL_TEXT));
  }

  /** The columns used only for checks, never written. */
  static List<String> privateColumns() {
    return List.of(REAL_EVENT_TIME, REAL_TEXT, IN_RELEASE);
  }
}
