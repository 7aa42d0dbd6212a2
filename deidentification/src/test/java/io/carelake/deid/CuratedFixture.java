package io.carelake.deid;

import static org.apache.iceberg.types.Types.NestedField.optional;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * curated.visits / curated.vitals as govern leaves them: the raw columns (core TableSchemas) plus
 * governance_run_id, created through the Iceberg API with the real schemas, filled through Spark.
 * Notes mention each patient's own identifiers in the formats people type.
 */
final class CuratedFixture {

  record Patient(String residentId, String name, String sex, LocalDate birthDate, String phone,
      String address) {}

  static final Patient OUYANG = new Patient("11010519491231002X", "欧阳明华", "1",
      LocalDate.parse("1930-06-15"), "13812345678", "北京市朝阳区建国路88号3栋2单元301室");
  static final Patient WANG = new Patient("330106198505051234", "王芳", "2",
      LocalDate.parse("1985-05-05"), "+86 159-8765-4321", "杭州市西湖区文三路100号");
  /** A source patient id (not GB 11643), a Latin name and a landline. */
  static final Patient LI = new Patient("P0004277", "Li Lei", "1",
      LocalDate.parse("1960-03-01"), "010-65123456", "上海市徐汇区漕溪北路1200号");
  /** A resident id that is blank: it cannot be pseudonymised. */
  static final Patient BLANK = new Patient("   ", "赵六", "2", LocalDate.parse("1970-01-01"),
      "13700000000", "广州市天河区体育西路1号");

  static final List<Patient> PATIENTS = List.of(OUYANG, WANG, LI, BLANK);

  /** The sources recorded every fixture event this long after it happened (a signed note, a lab). */
  static final long RECORD_DELAY_SECONDS = 7_200;

  record Visit(String eventId, Patient p, Instant eventTime, String complaint, String note) {}

  record Vital(String eventId, Patient p, Instant eventTime, String code, double value,
      String unit) {}

  /** Visits: v1-v4 and v6 in [2025-03-01, 2025-03-03), v0 the day before, v5 the day after. */
  static final List<Visit> VISITS = List.of(
      new Visit("v0", OUYANG, Instant.parse("2025-02-28T23:59:59Z"), "复诊",
          "欧阳明华复诊，电话13812345678。"),
      new Visit("v1", OUYANG, Instant.parse("2025-03-01T08:00:00Z"), "头晕3天",
          "患者欧阳明华，男，94岁，身份证号110105 19491231 002X，联系电话+86 138 1234 5678，"
              + "家住北京市朝阳区建国路88号3栋2单元301室。主诉：头晕。"),
      new Visit("v2", OUYANG, Instant.parse("2025-03-02T10:00:00Z"), "欧阳明华复诊",
          "欧阳明华，电话138-1234-5678。由其女儿欧阳丽陪同就诊。身份证１１０１０５１９４９１２３１００２Ｘ。"
              + "明华自述服药规律。"),
      new Visit("v3", WANG, Instant.parse("2025-03-02T12:00:00Z"), "王芳诉胸闷",
          "患者王芳，身份证330106-19850505-1234，电话0086 15987654321，住杭州市西湖区文三路100号。"),
      new Visit("v4", LI, Instant.parse("2025-03-01T09:00:00Z"), "Follow-up for Li Lei",
          "LI LEI, MRN P0004277, tel 010-6512 3456, lives at 上海市徐汇区漕溪北路1200号."),
      new Visit("v5", LI, Instant.parse("2025-03-03T00:00:00Z"), "复诊", "Li Lei 复诊。"),
      new Visit("v6", BLANK, Instant.parse("2025-03-02T15:00:00Z"), "头痛",
          "赵六，电话13700000000。"));

  static final List<Vital> VITALS = List.of(
      new Vital("s0", OUYANG, Instant.parse("2025-02-28T08:00:00Z"), "8480-6", 150, "mm[Hg]"),
      new Vital("s1", OUYANG, Instant.parse("2025-03-01T08:05:00Z"), "8480-6", 152, "mm[Hg]"),
      new Vital("s2", WANG, Instant.parse("2025-03-02T12:05:00Z"), "2339-0", 7.8, "mmol/L"),
      new Vital("s3", LI, Instant.parse("2025-03-01T09:05:00Z"), "29463-7", 70.5, "kg"));

  static final LocalDate START = LocalDate.parse("2025-03-01");
  static final LocalDate END = LocalDate.parse("2025-03-03");

  static boolean inInterval(Instant t, LocalDate start, LocalDate end) {
    return !t.isBefore(start.atStartOfDay(java.time.ZoneOffset.UTC).toInstant())
        && t.isBefore(end.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
  }

  /** Every PHI value of the fixture, in the forms it is typed in the notes, that must not leak. */
  static List<String> phiSubstrings() {
    List<String> out = new ArrayList<>();
    for (Patient p : PATIENTS) {
      out.add(p.name());
      out.add(p.address());
      out.add(p.birthDate().toString());
      if (!p.residentId().isBlank()) {
        out.add(p.residentId());
      }
      out.add(p.phone());
    }
    out.addAll(List.of("明华", "19491231", "１９４９１２３１", "002X", "19850505",
        "15987654321", "159-8765", "1234 5678", "1234-5678", "65123456", "6512 3456", "LI LEI", "0004277",
        "13700000000", "建国路88号", "文三路", "漕溪北路"));
    return out;
  }

  private CuratedFixture() {}

  static Schema curated(Schema raw) {
    List<Types.NestedField> cols = new ArrayList<>(raw.columns());
    cols.add(optional(1000, "governance_run_id", Types.StringType.get()));
    return new Schema(cols);
  }

  static void write(CarelakeConfig cfg, SparkSession spark) throws Exception {
    write(cfg, spark, VISITS);
  }

  static void write(CarelakeConfig cfg, SparkSession spark, List<Visit> visitList)
      throws Exception {
    write(cfg, spark, visitList, true);
  }

  /** Appends visits (and the vitals, when asked) to curated.*. */
  static void write(CarelakeConfig cfg, SparkSession spark, List<Visit> visitList,
      boolean withVitals) throws Exception {
    Catalog catalog = CatalogFactory.open(cfg);
    Schema visits = curated(TableSchemas.RAW_VISITS);
    Schema vitals = curated(TableSchemas.RAW_VITALS);
    create(catalog, Tables.CURATED_VISITS, visits);
    create(catalog, Tables.CURATED_VITALS, vitals);
    long offset = 0;
    List<Row> visitRows = new ArrayList<>();
    for (Visit v : visitList) {
      Patient p = v.p();
      visitRows.add(RowFactory.create(v.eventId(), Timestamp.from(v.eventTime()), 1,
          p.residentId(), p.name(), p.sex(), Date.valueOf(p.birthDate()), p.phone(), p.address(),
          "F001", "D-17", "outpatient", List.of("I10"), v.complaint(), v.note(),
          List.of(RowFactory.create("氨氯地平", "5 mg", "qd", 30)), "carelake.visits", 0,
          offset++, Timestamp.from(v.eventTime().plusSeconds(60)),
          Timestamp.from(v.eventTime().plusSeconds(RECORD_DELAY_SECONDS)), "govern-fixture"));
    }
    List<Row> vitalRows = new ArrayList<>();
    for (Vital s : VITALS) {
      vitalRows.add(RowFactory.create(s.eventId(), Timestamp.from(s.eventTime()), 1,
          s.p().residentId(), "F001", s.code(), s.value(), s.unit(), "clinic", "DEV-9",
          "carelake.vitals", 1, offset++, Timestamp.from(s.eventTime().plusSeconds(30)),
          Timestamp.from(s.eventTime().plusSeconds(RECORD_DELAY_SECONDS)), "govern-fixture"));
    }
    spark.createDataFrame(visitRows, SparkSchemaUtil.convert(visits))
        .writeTo(Tables.CURATED_VISITS.in(cfg.catalogName())).append();
    if (withVitals) {
      spark.createDataFrame(vitalRows, SparkSchemaUtil.convert(vitals))
          .writeTo(Tables.CURATED_VITALS.in(cfg.catalogName())).append();
    }
  }

  private static void create(Catalog catalog, TableName name, Schema schema) {
    CatalogFactory.createIfMissing(catalog, name, schema,
        PartitionSpec.builderFor(schema).day(TableSchemas.EVENT_TIME).build());
  }
}
