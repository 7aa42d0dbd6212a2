package io.carelake.generator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carelake.core.events.Prescription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small set of exam-style items for scoring medical language-model iterations, made from the
 * synthetic population this generator simulates and from the guideline thresholds it follows. Every
 * item is labelled synthetic and carries the facts its answer follows from, so that a test can
 * re-derive each answer from the thresholds alone.
 *
 * <p>Subjects: {@code hypertension_diagnosis} (office BP ≥ 140 and/or ≥ 90 mmHg on three different
 * days without medication, Chinese primary-care hypertension guideline), {@code diabetes_fpg}
 * (fasting plasma glucose ≥ 7.0 mmol/L diabetic, 6.1–6.9 impaired fasting glucose, CDS 2020),
 * {@code drug_class} (the class of the drugs the generator prescribes), {@code icd10_coding} (the
 * ICD-10 codes the generator writes) and {@code glucose_units} (mg/dL to mmol/L, ÷ 18). Patients'
 * ages, sexes and measurement levels come from {@link PatientFactory} with the given seed.
 *
 * <p>The JSONL schema (one item per line, keys in this order): {@code id, item_set, subject,
 * language, question, options (A-D), answer, synthetic (true), source, facts}. An item may also
 * carry {@code contaminated} (boolean) when its set was checked against a training corpus; this
 * set does not (the corpus job's flags live in {@code datasets.item_contamination}).
 *
 * <p>{@code main(out.jsonl [seed] [perSubject])} writes the set; the shipped copy is
 * {@code model-evaluation/src/main/resources/carelake/evaluation/exam-items/
 * carelake-synthetic-exam-v1.jsonl}, made with the defaults.
 */
public final class SyntheticExamItems {

  public static final String ITEM_SET = "carelake-synthetic-exam-v1";
  public static final long SEED_DEFAULT = 20251206L;
  public static final int PER_SUBJECT_DEFAULT = 20;
  static final String[] LETTERS = {"A", "B", "C", "D"};

  /** Drug (as the generator prescribes it) → its class. */
  static final Map<String, String> DRUG_CLASSES = drugClasses();

  private static final ObjectMapper JSON = new ObjectMapper();

  private SyntheticExamItems() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: SyntheticExamItems OUT.jsonl [seed] [items-per-subject]");
      System.exit(2);
    }
    long seed = args.length > 1 ? Long.parseLong(args[1]) : SEED_DEFAULT;
    int per = args.length > 2 ? Integer.parseInt(args[2]) : PER_SUBJECT_DEFAULT;
    Files.write(Path.of(args[0]), (String.join("\n", jsonl(seed, per)) + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The items as JSONL lines, the same for the same seed and size. */
  public static List<String> jsonl(long seed, int perSubject) {
    List<ObjectNode> items = new ArrayList<>();
    List<Clinic> clinics = Clinic.forDistricts(District.ALL, seed);
    PatientFactory factory = new PatientFactory(seed, LocalDate.of(2025, 1, 1), 365, clinics);
    SplittableRandom r = new SplittableRandom(seed ^ 0x6578616d73L);
    int patient = 0;
    for (int i = 0; i < perSubject; i++) {
      items.add(hypertension(factory.create(patient++), r));
    }
    for (int i = 0; i < perSubject; i++) {
      items.add(fastingGlucose(factory.create(patient++), r));
    }
    List<String> drugs = new ArrayList<>(DRUG_CLASSES.keySet());
    for (int i = 0; i < perSubject; i++) {
      items.add(drugClass(drugs.get(i % drugs.size()), r));
    }
    List<String> codes = new ArrayList<>(new java.util.TreeSet<>(Diagnoses.CODES));
    for (int i = 0; i < perSubject; i++) {
      items.add(icd10(codes.get(i % codes.size()), codes, r));
    }
    for (int i = 0; i < perSubject; i++) {
      items.add(glucoseUnits(factory.create(patient++), r));
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ObjectNode item = JSON.createObjectNode();
      item.put("id", String.format(Locale.ROOT, "%s-%04d", ITEM_SET, i + 1));
      item.put("item_set", ITEM_SET);
      item.setAll(items.get(i));
      item.put("synthetic", true);
      item.put("source", "carelake synthetic population (generator seed " + seed
          + ") and guideline thresholds; not real patients, not real exam questions");
      item.set("facts", item.remove("facts"));
      try {
        lines.add(JSON.writeValueAsString(item));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return lines;
  }

  private static String who(SyntheticPatient p) {
    return String.format(Locale.ROOT, "%d岁%s性", p.ageOn(LocalDate.of(2025, 6, 1)),
        p.male ? "男" : "女");
  }

  private static ObjectNode hypertension(SyntheticPatient p, SplittableRandom r) {
    // office readings on three different days, around the patient's untreated level at its peak
    // or at its base, so that both answers occur
    boolean high = r.nextBoolean();
    double sbp = high ? p.sbpPeak : p.sbpBase;
    double dbp = high ? p.dbpPeak : p.dbpBase;
    int[] s = new int[3];
    int[] d = new int[3];
    for (int k = 0; k < 3; k++) {
      s[k] = (int) Math.round(sbp + r.nextGaussian() * 4);
      d[k] = (int) Math.round(dbp + r.nextGaussian() * 3);
    }
    boolean diagnosed = true;
    for (int k = 0; k < 3; k++) {
      diagnosed &= s[k] >= 140 || d[k] >= 90;
    }
    String question = String.format(Locale.ROOT, "%s，未服用降压药，在三个不同日期的诊室血压分别为"
        + " %d/%d、%d/%d、%d/%d mmHg。按照中国基层高血压诊断标准（非同日三次诊室血压收缩压≥140 mmHg和/或"
        + "舒张压≥90 mmHg），下列判断哪项正确？", who(p), s[0], d[0], s[1], d[1], s[2], d[2]);
    String yes = "可诊断为高血压";
    String no = "未达到高血压诊断标准";
    ObjectNode facts = JSON.createObjectNode();
    facts.putPOJO("sbp", s);
    facts.putPOJO("dbp", d);
    facts.put("different_days", 3);
    facts.put("antihypertensive", false);
    return item("hypertension_diagnosis", question, diagnosed ? yes : no,
        List.of(yes, no, "需服药后复测才能判断", "仅凭一次测量即可确诊"), facts, r);
  }

  private static ObjectNode fastingGlucose(SyntheticPatient p, SplittableRandom r) {
    // a level across the three ranges: normal base, drifting, diabetic peak
    int kind = r.nextInt(3);
    double g = kind == 0 ? p.glucoseBase : kind == 1 ? 6.1 + r.nextDouble() * 0.8
        : p.glucosePeak;
    g = Math.round(g * 10) / 10.0;
    String question = String.format(Locale.ROOT, "%s，无典型糖尿病症状，空腹静脉血浆葡萄糖 %.1f mmol/L。"
        + "按照《中国2型糖尿病防治指南（2020年版）》，该结果属于：", who(p), g);
    String diabetic = "达到糖尿病诊断切点（≥7.0 mmol/L），无症状者需另日复查确认";
    String impaired = "空腹血糖受损（6.1～<7.0 mmol/L）";
    String normal = "空腹血糖正常（<6.1 mmol/L）";
    String answer = g >= 7.0 ? diabetic : g >= 6.1 ? impaired : normal;
    ObjectNode facts = JSON.createObjectNode();
    facts.put("fasting_plasma_glucose_mmol_l", g);
    facts.put("symptoms", false);
    return item("diabetes_fpg", question, answer, List.of(diabetic, impaired, normal,
        "低血糖（<3.9 mmol/L）"), facts, r);
  }

  private static ObjectNode drugClass(String drug, SplittableRandom r) {
    String answer = DRUG_CLASSES.get(drug);
    List<String> others = new ArrayList<>(new java.util.TreeSet<>(DRUG_CLASSES.values()));
    others.remove(answer);
    List<String> options = new ArrayList<>(List.of(answer));
    while (options.size() < 4) {
      String o = others.remove(r.nextInt(others.size()));
      options.add(o);
    }
    ObjectNode facts = JSON.createObjectNode();
    facts.put("drug", drug);
    return item("drug_class", "“" + drug + "”属于下列哪一类药物？", answer, options, facts, r);
  }

  private static ObjectNode icd10(String code, List<String> codes, SplittableRandom r) {
    List<String> others = new ArrayList<>(codes);
    others.remove(code);
    List<String> options = new ArrayList<>(List.of(code));
    while (options.size() < 4) {
      options.add(others.remove(r.nextInt(others.size())));
    }
    ObjectNode facts = JSON.createObjectNode();
    facts.put("diagnosis", Diagnoses.name(code));
    facts.put("icd10", code);
    return item("icd10_coding", "诊断“" + Diagnoses.name(code) + "”在ICD-10中应编码为：", code,
        options, facts, r);
  }

  private static ObjectNode glucoseUnits(SyntheticPatient p, SplittableRandom r) {
    // mg/dL as a US laboratory would report it: a whole number
    int mgdl = (int) Math.round((r.nextBoolean() ? p.glucoseBase : p.glucosePeak) * 18.0);
    double mmol = Math.round(mgdl / 18.0 * 10) / 10.0;
    String answer = String.format(Locale.ROOT, "%.1f mmol/L", mmol);
    List<String> options = new ArrayList<>(List.of(answer,
        String.format(Locale.ROOT, "%.1f mmol/L", Math.round(mgdl / 10.0 * 10) / 10.0),
        String.format(Locale.ROOT, "%.1f mmol/L", Math.round(mgdl / 38.67 * 10) / 10.0),
        String.format(Locale.ROOT, "%.1f mmol/L", Math.round(mgdl * 18.0 / 100 * 10) / 10.0)));
    ObjectNode facts = JSON.createObjectNode();
    facts.put("glucose_mg_dl", mgdl);
    facts.put("factor", 18.0);
    return item("glucose_units", String.format(Locale.ROOT, "%s的化验单显示血糖 %d mg/dL，换算为"
        + "mmol/L约为（1 mmol/L 葡萄糖 = 18 mg/dL，保留一位小数）：", who(p), mgdl), answer, options,
        facts, r);
  }

  /** An item with its options shuffled and the answer's letter. */
  private static ObjectNode item(String subject, String question, String answer,
      List<String> options, ObjectNode facts, SplittableRandom r) {
    List<String> shuffled = new ArrayList<>(options);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      java.util.Collections.swap(shuffled, i, r.nextInt(i + 1));
    }
    ObjectNode item = JSON.createObjectNode();
    item.put("subject", subject);
    item.put("language", "zh");
    item.put("question", question);
    ObjectNode opts = item.putObject("options");
    String letter = null;
    for (int i = 0; i < shuffled.size(); i++) {
      opts.put(LETTERS[i], shuffled.get(i));
      if (shuffled.get(i).equals(answer)) {
        letter = LETTERS[i];
      }
    }
    if (letter == null || shuffled.stream().distinct().count() != shuffled.size()) {
      throw new IllegalStateException("item options must be distinct and hold the answer: "
          + shuffled);
    }
    item.put("answer", letter);
    item.set("facts", facts);
    return item;
  }

  private static Map<String, String> drugClasses() {
    Map<String, String> m = new LinkedHashMap<>();
    String ccb = "二氢吡啶类钙通道阻滞剂";
    String arb = "血管紧张素Ⅱ受体拮抗剂";
    String[] classes = {ccb, ccb, arb, arb, "噻嗪类利尿剂", "β受体阻滞剂"};
    for (int i = 0; i < Diagnoses.ANTIHYPERTENSIVES.size(); i++) {
      m.put(Diagnoses.ANTIHYPERTENSIVES.get(i).drug(), classes[i]);
    }
    String[] diabetes = {"双胍类", "磺脲类促泌剂", "α-糖苷酶抑制剂", "DPP-4抑制剂"};
    for (int i = 0; i < Diagnoses.ANTIDIABETICS.size(); i++) {
      m.put(Diagnoses.ANTIDIABETICS.get(i).drug(), diabetes[i]);
    }
    Prescription statin = Diagnoses.STATIN;
    m.put(statin.drug(), "他汀类（HMG-CoA还原酶抑制剂）");
    return java.util.Collections.unmodifiableMap(m);
  }
}
