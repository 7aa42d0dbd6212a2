// Over 400 lines: the levels' released values, the choice of a level per class and the join
// that applies it are one algorithm, read together (and the policy it enforces).
package io.carelake.deid;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * k-anonymity of safe.visits over the quasi-identifiers {@value #QUASI_IDENTIFIERS}, computed and
 * enforced in Spark (group-bys and joins of the aggregated classes; no row reaches the driver).
 *
 * <p>An equivalence class is a combination of released quasi-identifier values; its size is the
 * number of <b>distinct patients</b> (pseudonyms) among the interval's visits with those values, not
 * the number of visits, since one patient's ten visits do not hide him among ten people. Levels:
 * <ol>
 *   <li>level 0, as released: (sex, birth_year, facility_id); a top-coded age (90+) already has
 *       no birth year. Visits in classes of at least k patients stay at level 0.</li>
 *   <li>level 1, generalised: birth_year → the first year of its 10-year band (1985 → 1980) and
 *       age_at_visit withheld (null; it would give the birth year back together with event_time),
 *       facility_id → region: the first 4 digits of the district code in the facility id
 *       ({@code F11010501} → {@code 1101}, {@code other} when the id has no district code).
 *       Classes are recomputed over the level-1 visits (their values cannot equal a level-0 row's).</li>
 *   <li>level 2, coarse: visits still in a class under k patients get a 20-year birth band and
 *       no location (facility null), and classes are recomputed once more. Small populations
 *       (the end-to-end test's 300 patients over 30 clinics) need this step; without it most
 *       visits would be suppressed.</li>
 *   <li>level 3, suppressed: visits still in a class under k patients keep the row (safe row count
 *       = curated row count) with sex, birth_year, age_at_visit and facility_id set to null.</li>
 * </ol>
 * safe.vitals carries facility_id too: a vital of a (patient, facility) pair whose visits were
 * generalised gets the region (level 1) or null (levels 2 and 3) as well.
 *
 * <p>What a run measures is {@link KAnonymityMeasure}. The
 * policy (config {@value #K_KEY}, default {@value #K_DEFAULT}; {@value #MAX_SUPPRESSION_KEY}, default
 * {@value #MAX_SUPPRESSION_DEFAULT} of the visits) fails — the run is blocked — when more visits
 * would have to be suppressed than allowed, or when a released class is still under k.
 *
 * <p>The default suppression limit is generous on purpose: in the demo's synthetic population
 * (2,000 adults of 18-96 over 30 clinics in 16 regions), nearly every level-0 class is a single
 * patient and a simulation of this hierarchy suppresses about 9-12 % of the visits (the youngest
 * and oldest birth decades of the smaller regions); a 10 % limit would block the demo by chance.
 * Suppressed visits keep their clinical content; features imputes the missing age and sex.
 *
 * <p>Known limits: classes are per run interval; a patient's visits at different levels can be
 * linked through the pseudonym (longitudinal linkage is not modelled); diagnoses and free text are
 * not treated as quasi-identifiers.
 */
public final class KAnonymity {

  public static final String K_KEY = "deid.k";
  public static final int K_DEFAULT = 5;
  public static final String MAX_SUPPRESSION_KEY = "deid.k-max-suppression";
  public static final double MAX_SUPPRESSION_DEFAULT = 0.25;
  public static final String QUASI_IDENTIFIERS = "sex,birth_year,age_at_visit,facility_id";
  /** The curated columns a policy may declare as quasi-identifiers (what this step generalises). */
  public static final java.util.Set<String> SUPPORTED_QUASI_IDENTIFIERS =
      java.util.Set.of("sex", "birth_date", "facility_id", "event_time");

  static final String LEVEL_COLUMN = "_k_level";
  /** The level of a suppressed visit (0 as released, 1 generalised, 2 coarse, 3 coarsest). */
  static final int SUPPRESSED = 4;
  static final String CLASS_SIZE_COLUMN = "_k_class_size";
  static final String KEY_COLUMN = "_k_class";
  static final String FACILITY_COLUMN = "_k_facility";

  private KAnonymity() {}

  /** The policy: k and the largest fraction of visits that may be suppressed. */
  public record Policy(int k, double maxSuppression) {
    public static Policy from(CarelakeConfig config) {
      return from(config, K_DEFAULT, MAX_SUPPRESSION_DEFAULT);
    }

    /**
     * The de-identification policy's k and suppression limit; {@value #K_KEY} and
     * {@value #MAX_SUPPRESSION_KEY} in the configuration, when set, override them (an operator's
     * override, recorded with the run's parameters).
     */
    public static Policy from(CarelakeConfig config, DeidPolicy policy) {
      return from(config, policy.k(), policy.maxSuppression());
    }

    /**
     * For a release model: {@value #K_KEY} when set (an operator's override, recorded), else the
     * larger of the policy file's k (a floor) and the model's ({@link ReleaseModel#k}).
     */
    public static Policy forRelease(CarelakeConfig config, DeidPolicy policy, ReleaseModel model) {
      return from(config, Math.max(policy.k(), model.k()), policy.maxSuppression());
    }

    static Policy from(CarelakeConfig config, int kDefault, double sDefault) {
      String kText = config.get(K_KEY, Integer.toString(kDefault)).strip();
      String sText = config.get(MAX_SUPPRESSION_KEY, Double.toString(sDefault))
          .strip();
      int k;
      double s;
      try {
        k = Integer.parseInt(kText);
      } catch (NumberFormatException e) {
        throw new ConfigException("Configuration key '" + K_KEY + "' in " + config.file()
            + " must be a whole number >= 1 (1 = no k-anonymity requirement), got '" + kText + "'");
      }
      try {
        s = Double.parseDouble(sText);
      } catch (NumberFormatException e) {
        throw new ConfigException("Configuration key '" + MAX_SUPPRESSION_KEY + "' in "
            + config.file() + " must be a fraction between 0 and 1, got '" + sText + "'");
      }
      if (k < 1) {
        throw new ConfigException("Configuration key '" + K_KEY + "' in " + config.file()
            + " must be >= 1 (1 = no k-anonymity requirement), got " + k);
      }
      if (!(s >= 0 && s <= 1)) {
        throw new ConfigException("Configuration key '" + MAX_SUPPRESSION_KEY + "' in "
            + config.file() + " must be a fraction between 0 and 1, got " + s);
      }
      return new Policy(k, s);
    }
  }

  /** The region of a facility id: first 4 digits of its district code, or "other". */
  static Column region(Column facility) {
    Column digits = regexp_extract(facility, "^[A-Za-z]*([0-9]{4})", 1);
    return when(facility.isNull(), lit(null).cast("string"))
        .when(digits.equalTo(""), lit("other")).otherwise(digits);
  }

  /** One string per combination of values (nulls included), for an equi-join on the class. */
  private static Column classKey(Column... values) {
    return to_json(struct(values));
  }

  /**
   * Publishable staged visits → the same rows with quasi-identifiers generalised or suppressed
   * where their class is under k, plus {@value #LEVEL_COLUMN}, {@value #CLASS_SIZE_COLUMN} and
   * {@value #FACILITY_COLUMN} (the facility as staged, for {@link #generaliseVitals}).
   */
  static Dataset<Row> generalise(Dataset<Row> visits, int k) {
    return generalise(visits, k, List.copyOf(SUPPORTED_QUASI_IDENTIFIERS), null);
  }

  static Dataset<Row> generalise(Dataset<Row> visits, int k, List<String> qis) {
    return generalise(visits, k, qis, null);
  }

  /**
   * The class of a released visit: its released values of the declared quasi-identifiers (the
   * age only where the birth year is withheld: with the birth year and the visit date it adds
   * nothing). The same function keys the visits being released and those already published.
   */
  static Column releasedKey(List<String> qis) {
    return Released.STAGED.key(qis);
  }

  /**
   * The released quasi-identifier values of one level, as expressions of the staged row (each
   * level's are those of the level before, generalised once more), and the class key over them.
   */
  private record Released(Column sex, Column birthYear, Column age, Column facility,
      Column band) {

    static final Released STAGED = new Released(col("sex"), col("birth_year"),
        col("age_at_visit"), col("facility_id"), col(SafeRows.BIRTH_YEAR_BAND));

    /** Levels 0 to {@value KAnonymity#SUPPRESSED} of the policy's quasi-identifiers. */
    static List<Released> levels(List<String> qis) {
      boolean birth = qis.contains("birth_date");
      boolean facility = qis.contains("facility_id");
      Released l0 = STAGED;
      // level 1: birth decade (age withheld with the year: it would give it back with the
      // visit date), facility -> region
      Released l1 = new Released(l0.sex,
          birth ? floor(l0.birthYear.divide(10)).multiply(10).cast("int") : l0.birthYear,
          birth ? when(l0.birthYear.isNull(), l0.age).cast("int") : l0.age,
          facility ? region(l0.facility) : l0.facility, l0.band).banded(birth, 10);
      // level 2, coarse: 20-year birth band, no location (small populations, sparse regions)
      Released l2 = new Released(l1.sex,
          birth ? floor(l1.birthYear.divide(20)).multiply(20).cast("int") : l1.birthYear,
          l1.age, facility ? lit(null).cast("string") : l1.facility, l1.band).banded(birth, 20);
      // level 3, coarsest: 40-year birth band (1920, 1960, 2000) and sex
      Released l3 = new Released(l2.sex, birth ? floor(l2.birthYear.minus(1920).divide(40))
          .multiply(40).plus(1920).cast("int") : l2.birthYear, l2.age, l2.facility, l2.band)
          .banded(birth, 40);
      // suppressed: the row kept without the quasi-identifiers
      Column noInt = lit(null).cast("int");
      Released l4 = new Released(qis.contains("sex") ? lit(null).cast("string") : l3.sex,
          birth ? noInt : l3.birthYear, birth ? noInt : l3.age,
          facility ? lit(null).cast("string") : l3.facility, birth ? noInt : l3.band);
      return List.of(l0, l1, l2, l3, l4);
    }

    /** The birth band column of a level that bands the birth year by {@code years}. */
    private Released banded(boolean birth, int years) {
      return birth ? new Released(sex, birthYear, age, facility,
          when(birthYear.isNotNull(), lit(years)).cast("int")) : this;
    }

    Column key(List<String> qis) {
      // the field names are part of the key (published visits are keyed by it): those of the
      // staged columns, and Spark's col3 for the unnamed age expression, at every level
      List<Column> values = values(qis);
      String[] fields = KEY_FIELDS.split(",");
      Column[] named = new Column[fields.length];
      for (int i = 0; i < fields.length; i++) {
        named[i] = values.get(i).as(fields[i]);
      }
      return classKey(named);
    }

    /**
     * The values the class key is made of, in the order of its fields ({@value #KEY_FIELDS}):
     * a quasi-identifier the policy does not declare is null, the age is there only where the
     * birth year is withheld. Grouping or joining on these (nulls equal) is grouping or joining
     * on the key, without writing it.
     */
    List<Column> values(List<String> qis) {
      Column noValue = lit(null).cast("string");
      boolean birth = qis.contains("birth_date");
      return List.of(qis.contains("sex") ? sex : noValue, birth ? birthYear : noValue,
          birth ? when(birthYear.isNull(), age) : noValue,
          qis.contains("facility_id") ? facility : noValue);
    }

    /** The field names of a class key, in order. */
    static final String KEY_FIELDS = "sex,birth_year,col3,facility_id";

    Column column(String name) {
      return switch (name) {
        case "sex" -> sex;
        case "birth_year" -> birthYear;
        case "age_at_visit" -> age;
        case "facility_id" -> facility;
        case SafeRows.BIRTH_YEAR_BAND -> band;
        default -> null;
      };
    }
  }

  /**
   * The columns of the (quasi-identifiers, patient) pairs: a visit's level-0 class values
   * ({@link Released#values}) under the staged column names, so that every level's expressions
   * apply to them, and the patient.
   */
  private static final List<String> PAIR_COLUMNS =
      List.of("sex", "birth_year", "age_at_visit", "facility_id");

  /** A level-0 class's values in the decisions, joined with the visits' (nulls equal). */
  private static final List<String> CLASS_COLUMNS =
      List.of("_k_sex", "_k_birth_year", "_k_age", "_k_facility_id");

  /** The values of a class at the level being judged, and those of its size. */
  private static final List<String> LEVEL_VALUES = List.of("_k_v0", "_k_v1", "_k_v2", "_k_v3");
  private static final List<String> SIZE_VALUES = List.of("_k_s0", "_k_s1", "_k_s2", "_k_s3");

  /**
   * At most this many level-0 classes are broadcast to the visits for the one join that applies
   * the chosen levels (a few MB of values); more are joined by a shuffle.
   */
  static final long BROADCAST_CLASSES = 200_000;

  /**
   * As {@link #generalise(Dataset, int)} over the policy's quasi-identifiers, with classes
   * counted together with {@code published} (visits already in the release that share the
   * window the date quasi-identifier generalises to; null when none): a visit released today
   * hides among the patients released before it, so a daily release is not judged on its day
   * alone. Levels: 0 as staged; 1 birth decade, region; 2 twenty-year band, no location; 3
   * forty-year band; 4 suppressed (the row kept without quasi-identifiers).
   *
   * <p>The rule, level by level: a visit whose class at a level holds at least k patients — the
   * patients of the visits still at that level (those under k at every level before), plus the
   * published ones with the same released values — is released at it; the rest go one level up.
   * Every level's class of a visit is a function of its level-0 class, so the whole choice is
   * made on one aggregate of the visits, their distinct (level-0 class values, patient) pairs (a
   * patient's many visits in one class count once; far fewer rows than visits, and no free
   * text), and the chosen level of each level-0 class reaches the visits in one join on the
   * class values (nulls equal; the class key, JSON, is written once per class, not per visit).
   */
  static Dataset<Row> generalise(Dataset<Row> visits, int k, List<String> qis,
      Dataset<Row> published) {
    List<Released> levels = Released.levels(qis);
    Dataset<Row> known = published == null ? null
        : published.select(named(Released.STAGED.values(qis), SIZE_VALUES,
            col("patient_pseudonym"))).distinct().localCheckpoint();
    // a staged birth year is exact; the levels widen it (band 10, 20, 40) or withhold it
    Dataset<Row> banded = List.of(visits.columns()).contains(SafeRows.BIRTH_YEAR_BAND) ? visits
        : visits.withColumn(SafeRows.BIRTH_YEAR_BAND,
            when(col("birth_year").isNotNull(), lit(1)).cast("int"));
    Dataset<Row> pairs = banded.select(named(Released.STAGED.values(qis), PAIR_COLUMNS,
        col("patient_pseudonym"))).distinct().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> decisions;
    try {
      decisions = chooseLevels(pairs, known, k, qis, levels);
    } finally {
      // the decisions are cut from the pairs (checkpointed level by level)
      pairs.unpersist();
    }
    if (decisions.count() <= BROADCAST_CLASSES) {
      decisions = org.apache.spark.sql.functions.broadcast(decisions);
    }
    return apply(banded, decisions, qis);
  }

  /** The columns of these names. */
  private static List<Column> cols(List<String> names) {
    return names.stream().map(c -> col(c)).toList();
  }

  /** {@code values} named {@code names}, then {@code rest}. */
  private static Column[] named(List<Column> values, List<String> names, Column... rest) {
    List<Column> out = new java.util.ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(values.get(i).as(names.get(i)));
    }
    out.addAll(List.of(rest));
    return out.toArray(Column[]::new);
  }

  /** Null-safe equality of columns {@code a} of {@code left} and {@code b} of {@code right}. */
  private static Column sameValues(Dataset<Row> left, List<String> a, Dataset<Row> right,
      List<String> b) {
    Column same = lit(true);
    for (int i = 0; i < a.size(); i++) {
      same = same.and(left.col(a.get(i)).eqNullSafe(right.col(b.get(i))));
    }
    return same;
  }

  /**
   * The level-0 classes → their released level, class key and class size, by the rule of
   * {@link #generalise(Dataset, int, List, Dataset)} applied to the pairs: per level one
   * aggregate of the pairs of the classes still undecided (and the published patients), judged
   * per class; each level's judgement is checkpointed (a few rows per class) and the levels stop
   * as soon as no class is left under k.
   */
  private static Dataset<Row> chooseLevels(Dataset<Row> pairs, Dataset<Row> known, int k,
      List<String> qis, List<Released> levels) {
    Dataset<Row> undecided = null;
    Dataset<Row> decisions = null;
    for (int level = 0; level < SUPPRESSED; level++) {
      Released at = levels.get(level);
      Dataset<Row> judged;
      if (level == 0 && known == null) {
        // the pairs are distinct per (level-0 class, patient): a count is the class size
        judged = pairs.groupBy(cols(PAIR_COLUMNS).toArray(Column[]::new))
            .agg(org.apache.spark.sql.functions.count(lit(1)).as(CLASS_SIZE_COLUMN))
            .select(named(cols(PAIR_COLUMNS), PAIR_COLUMNS,
                at.key(qis).as(KEY_COLUMN), col(CLASS_SIZE_COLUMN)));
      } else {
        Dataset<Row> classes = undecided == null
            ? pairs.select(cols(PAIR_COLUMNS).toArray(Column[]::new))
                .distinct() : undecided;
        Dataset<Row> members = undecided == null ? pairs
            : pairs.join(undecided, sameValues(pairs, PAIR_COLUMNS, undecided, PAIR_COLUMNS),
                "left_semi");
        members = members.select(named(at.values(qis), SIZE_VALUES, col("patient_pseudonym")));
        if (known != null) {
          members = members.unionByName(known);
        }
        Dataset<Row> sizes = members.groupBy(cols(SIZE_VALUES).toArray(Column[]::new))
            .agg(countDistinct(col("patient_pseudonym")).as(CLASS_SIZE_COLUMN));
        Dataset<Row> leveled = classes.select(named(at.values(qis), LEVEL_VALUES,
            cols(PAIR_COLUMNS).toArray(Column[]::new)));
        judged = leveled.join(sizes, sameValues(leveled, LEVEL_VALUES, sizes, SIZE_VALUES))
            .select(named(PAIR_COLUMNS.stream().map(c -> leveled.col(c)).toList(), PAIR_COLUMNS,
                at.key(qis).as(KEY_COLUMN), col(CLASS_SIZE_COLUMN)));
      }
      // cut at each level: without it the plans of the levels nest into one Spark takes long
      // to analyse
      judged = judged.localCheckpoint();
      Dataset<Row> released = judged.where(col(CLASS_SIZE_COLUMN).geq(k))
          .select(named(cols(PAIR_COLUMNS), CLASS_COLUMNS,
              lit(level).as(LEVEL_COLUMN), col(KEY_COLUMN), col(CLASS_SIZE_COLUMN)));
      decisions = decisions == null ? released : decisions.unionByName(released);
      Dataset<Row> under = judged.where(col(CLASS_SIZE_COLUMN).lt(k));
      if (level == SUPPRESSED - 1) {
        // still under k at the coarsest level: suppressed, with that level's class and size
        decisions = decisions.unionByName(under.select(named(cols(PAIR_COLUMNS), CLASS_COLUMNS,
            lit(SUPPRESSED).as(LEVEL_COLUMN), col(KEY_COLUMN), col(CLASS_SIZE_COLUMN))));
      } else if (under.isEmpty()) {
        break;
      } else {
        undecided = under.select(cols(PAIR_COLUMNS).toArray(Column[]::new));
      }
    }
    return decisions;
  }

  /**
   * The one join: every visit gets its level-0 class's level, class key and size, and the
   * released values of that level. Columns: {@value #KEY_COLUMN}, the visit's, then
   * {@value #FACILITY_COLUMN}, {@value #CLASS_SIZE_COLUMN}, {@value #LEVEL_COLUMN}.
   */
  private static Dataset<Row> apply(Dataset<Row> banded, Dataset<Row> decisions,
      List<String> qis) {
    List<Released> levels = Released.levels(qis);
    Dataset<Row> keyed = banded.select(named(Released.STAGED.values(qis), LEVEL_VALUES,
        col("*")));
    Dataset<Row> joined = keyed.join(decisions,
        sameValues(keyed, LEVEL_VALUES, decisions, CLASS_COLUMNS));
    Column level = col(LEVEL_COLUMN);
    List<Column> out = new java.util.ArrayList<>();
    out.add(col(KEY_COLUMN));
    for (String name : banded.columns()) {
      if (levels.get(0).column(name) == null) {
        out.add(keyed.col(name));
        continue;
      }
      Column value = keyed.col(name);
      for (int l = 1; l <= SUPPRESSED; l++) {
        value = when(level.equalTo(l), levels.get(l).column(name)).otherwise(value);
      }
      out.add(value.as(name));
    }
    out.add(keyed.col("facility_id").as(FACILITY_COLUMN));
    out.add(col(CLASS_SIZE_COLUMN));
    out.add(level);
    return joined.select(out.toArray(Column[]::new));
  }

  /**
   * Vitals → the same rows, with facility_id generalised to the region (or suppressed) where the
   * patient's visits at that facility were, and {@value #LEVEL_COLUMN} (0 otherwise).
   */
  static Dataset<Row> generaliseVitals(Dataset<Row> vitals, Dataset<Row> generalisedVisits) {
    Dataset<Row> levels = generalisedVisits.where(col(LEVEL_COLUMN).gt(0))
        .groupBy(col("patient_pseudonym").as("_k_patient"), col(FACILITY_COLUMN).as("_k_fac"))
        .agg(max(col(LEVEL_COLUMN)).as("_k_vlevel"));
    Dataset<Row> joined = vitals.join(levels,
        vitals.col("patient_pseudonym").equalTo(levels.col("_k_patient"))
            .and(vitals.col("facility_id").equalTo(levels.col("_k_fac"))), "left");
    Column level = functions_coalesce(col("_k_vlevel"), lit(0));
    return joined
        .withColumn("facility_id", when(level.equalTo(1), region(col("facility_id")))
            .when(level.geq(2), lit(null).cast("string")).otherwise(col("facility_id")))
        .withColumn(LEVEL_COLUMN, level)
        .drop("_k_patient", "_k_fac", "_k_vlevel");
  }

  private static Column functions_coalesce(Column a, Column b) {
    return org.apache.spark.sql.functions.coalesce(a, b);
  }

  /** Persists {@code df} for the several actions of a run. */
  static Dataset<Row> persist(Dataset<Row> df) {
    return df.persist(StorageLevel.MEMORY_AND_DISK());
  }
}
