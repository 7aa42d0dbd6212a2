package io.carelake.datasets;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.named_struct;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Instruction data from the final corpus documents: three templated tasks in the document's
 * language (Chinese or English), each record carrying its template id and the source table and
 * snapshot. Built only from documents that passed every filter, deduplication, decontamination
 * and the PHI scan, and only from their scanned text and coded fields (ICD-10 codes, visit type,
 * vital signs as numbers with LOINC-named labels): nothing unscanned enters a record.
 *
 * <ul>
 *   <li>{@code assessment}: chief complaint + the day's vital signs → the note (assessment and
 *   plan); needs both a complaint and a note;</li>
 *   <li>{@code summary}: the visit text → a structured summary (JSON: visit_type,
 *   chief_complaint, diagnoses);</li>
 *   <li>{@code icd10}: the visit text → its ICD-10 codes; needs at least one code.</li>
 * </ul>
 */
final class InstructionTasks {

  static final String VERSION = "v1";

  /** LOINC code → (Chinese label, English label) of the vital signs the generator records. */
  static final Map<String, String[]> VITALS = vitals();

  private static Map<String, String[]> vitals() {
    Map<String, String[]> v = new LinkedHashMap<>();
    v.put("8480-6", new String[] {"收缩压", "systolic BP"});
    v.put("8462-4", new String[] {"舒张压", "diastolic BP"});
    v.put("2339-0", new String[] {"血糖", "glucose"});
    v.put("2345-7", new String[] {"血糖", "glucose"});
    v.put("4548-4", new String[] {"糖化血红蛋白", "HbA1c"});
    v.put("39156-5", new String[] {"体重指数", "BMI"});
    v.put("29463-7", new String[] {"体重", "weight"});
    v.put("8302-2", new String[] {"身高", "height"});
    return v;
  }

  /** A task template: id, language, instruction, and how input and output are formed. */
  record Template(String task, String language, String instruction, Column input, Column output,
      Column applies) {

    String id() {
      return task + "." + language + "." + VERSION;
    }
  }

  private InstructionTasks() {}

  static Column blank(Column c) {
    return c.isNull().or(length(trim(c)).equalTo(0));
  }

  static List<Template> templates() {
    Column cc = trim(col("chief_complaint"));
    Column note = trim(col("note"));
    Column text = col(VisitNotes.TEXT);
    Column hasCcAndNote = org.apache.spark.sql.functions.not(blank(col("chief_complaint"))
        .or(blank(col("note"))));
    Column hasCodes = col("diagnoses").isNotNull().and(size(col("diagnoses")).gt(0));
    Column codes = array_join(array_sort(col("diagnoses")), ", ");
    Column summary = to_json(named_struct(lit("visit_type"), col("visit_type"),
        lit("chief_complaint"), cc, lit("diagnoses"), array_sort(col("diagnoses"))));
    return List.of(
        new Template("assessment", "zh", "根据患者的主诉和当日生命体征，写出本次就诊的评估与处理。",
            concat(lit("主诉："), cc, lit("\n生命体征："), coalesce(col("_vitals_zh"), lit("未记录"))),
            note, hasCcAndNote),
        new Template("assessment", "en", "Given the chief complaint and the day's vital signs,"
            + " write the assessment and plan of this visit.",
            concat(lit("Chief complaint: "), cc, lit("\nVital signs: "),
                coalesce(col("_vitals_en"), lit("none recorded"))), note, hasCcAndNote),
        new Template("summary", "zh", "将以下门诊记录整理为结构化摘要（JSON，字段：visit_type、"
            + "chief_complaint、diagnoses）。", text, summary, lit(true)),
        new Template("summary", "en", "Turn this visit record into a structured summary (JSON"
            + " with visit_type, chief_complaint, diagnoses).", text, summary, lit(true)),
        new Template("icd10", "zh", "为以下就诊记录给出 ICD-10 编码（多个编码用逗号分隔）。", text,
            codes, hasCodes),
        new Template("icd10", "en", "Give the ICD-10 codes of this visit record (comma-separated).",
            text, codes, hasCodes));
  }

  /**
   * The day's vital signs of each document's patient (same shifted day: both tables are shifted
   * by the same per-patient offset), as "label value unit" lists in Chinese and English: columns
   * {@code _vitals_doc} (the doc_id), {@code _vitals_zh}, {@code _vitals_en}.
   */
  static Dataset<Row> vitalsOfDocuments(Dataset<Row> docs, Dataset<Row> shiftedVitals) {
    Column zh = lit(null).cast("string");
    Column en = lit(null).cast("string");
    for (Map.Entry<String, String[]> v : VITALS.entrySet()) {
      zh = when(col("code").equalTo(v.getKey()), lit(v.getValue()[0])).otherwise(zh);
      en = when(col("code").equalTo(v.getKey()), lit(v.getValue()[1])).otherwise(en);
    }
    Dataset<Row> days = docs.select(col("doc_id"), col("patient_pseudonym").as("_p"),
        to_date(col("event_time")).as("_d"));
    Dataset<Row> vitals = shiftedVitals.where(col("value").isNotNull())
        .select(col("patient_pseudonym").as("_p"), to_date(col("event_time")).as("_d"),
            coalesce(zh, col("code")).as("_zh"), coalesce(en, col("code")).as("_en"),
            oneDecimal(col("value")).as("_v"), coalesce(col("unit"), lit("")).as("_u"));
    return days.join(vitals, new String[] {"_p", "_d"}).groupBy(col("doc_id").as("_vitals_doc"))
        .agg(
        concat_ws("；", array_sort(collect_list(concat_ws(" ", col("_zh"), col("_v"), col("_u")))))
            .as("_vitals_zh"),
        concat_ws("; ", array_sort(collect_list(concat_ws(" ", col("_en"), col("_v"), col("_u")))))
            .as("_vitals_en"));
  }

  private static Column oneDecimal(Column value) {
    return org.apache.spark.sql.functions.regexp_replace(
        org.apache.spark.sql.functions.format_number(value, 1), ",", "");
  }

  /**
   * One record per (document, applicable template of its language): instruction_id, doc_id,
   * template_id, task, language, instruction, input, output, source_table, source_snapshot_id.
   */
  static Dataset<Row> build(Dataset<Row> docs, Dataset<Row> vitals, String sourceTable,
      Long sourceSnapshot) {
    // the vitals derive from the same documents: join on a renamed key (no self-join ambiguity)
    Dataset<Row> withVitals = docs.join(vitals, col("doc_id").equalTo(col("_vitals_doc")), "left")
        .drop("_vitals_doc");
    List<Column> candidates = templates().stream().map(t -> when(
        t.applies().and(col("language").equalTo(t.language())),
        struct(lit(t.id()).as("template_id"), lit(t.task()).as("task"),
            lit(t.language()).as("lang"), lit(t.instruction()).as("instruction"),
            t.input().as("input"), t.output().as("output")))).toList();
    Column all = filter(array(candidates.toArray(Column[]::new)), c -> c.isNotNull());
    return withVitals.select(col("doc_id"), explode(all).as("t"))
        .select(sha2(concat_ws("|", col("doc_id"), col("t.template_id")), 256).substr(1, 32)
                .as("instruction_id"), col("doc_id"), col("t.template_id").as("template_id"),
            col("t.task").as("task"), col("t.lang").as("language"),
            col("t.instruction").as("instruction"), col("t.input").as("input"),
            col("t.output").as("output"), lit(sourceTable).as("source_table"),
            lit(sourceSnapshot).cast("long").as("source_snapshot_id"));
  }

  /** The fields of an instruction record, in order. */
  static final List<String> FIELDS = List.of("instruction_id", "doc_id", "template_id", "task",
      "language", "instruction", "input", "output", "source_table", "source_snapshot_id");
}
