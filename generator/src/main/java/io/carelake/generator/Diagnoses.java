package io.carelake.generator;

import io.carelake.core.events.Prescription;
import java.util.List;
import java.util.Map;

/**
 * The ICD-10 codes the generator writes, with their Chinese names (for notes) and the drugs a
 * primary-care doctor would prescribe for them. Every good visit's diagnoses come from {@link #CODES}.
 */
final class Diagnoses {

  static final String HYPERTENSION = "I10";
  static final String T2DM = "E11.9";
  static final String T2DM_HYPERGLYCAEMIA = "E11.65";
  static final String PREDIABETES = "R73.03";
  static final String HYPERLIPIDAEMIA = "E78.5";
  static final String URTI = "J06.9";
  static final String BRONCHITIS = "J20.9";
  static final String GASTRITIS = "K29.7";
  static final String LOW_BACK_PAIN = "M54.5";
  static final String HEADACHE = "R51";
  static final String DIZZINESS = "R42";
  static final String CONSTIPATION = "K59.0";
  static final String HEALTH_CHECK = "Z00.0";
  /**
   * Family history of ischaemic heart disease and other circulatory diseases (a parent with
   * hypertension) and of diabetes: ICD-10 chapter XXI, written at health checks and new diagnoses.
   */
  static final String FAMILY_HISTORY_CIRCULATORY = "Z82.4";
  static final String FAMILY_HISTORY_DIABETES = "Z83.3";

  /** ICD-10 code → Chinese diagnosis name. */
  static final Map<String, String> NAMES = Map.ofEntries(
      Map.entry(HYPERTENSION, "原发性高血压"),
      Map.entry(T2DM, "2型糖尿病"),
      Map.entry(T2DM_HYPERGLYCAEMIA, "2型糖尿病伴高血糖"),
      Map.entry(PREDIABETES, "糖尿病前期"),
      Map.entry(HYPERLIPIDAEMIA, "高脂血症"),
      Map.entry(URTI, "急性上呼吸道感染"),
      Map.entry(BRONCHITIS, "急性支气管炎"),
      Map.entry(GASTRITIS, "慢性胃炎"),
      Map.entry(LOW_BACK_PAIN, "腰痛"),
      Map.entry(HEADACHE, "头痛"),
      Map.entry(DIZZINESS, "头晕"),
      Map.entry(CONSTIPATION, "便秘"),
      Map.entry(HEALTH_CHECK, "健康体检"),
      Map.entry(FAMILY_HISTORY_CIRCULATORY, "高血压家族史"),
      Map.entry(FAMILY_HISTORY_DIABETES, "糖尿病家族史"));

  static final java.util.Set<String> CODES = NAMES.keySet();

  /** Acute reasons for a visit, with the chief complaint patients give. */
  record Acute(String code, String complaint, List<Prescription> drugs) {}

  static final List<Acute> ACUTE = List.of(
      new Acute(URTI, "咳嗽、咽痛%d天", List.of(rx("连花清瘟胶囊", "1.4 g", "tid", 5))),
      new Acute(URTI, "发热伴流涕%d天", List.of(rx("对乙酰氨基酚片", "0.5 g", "prn", 3))),
      new Acute(BRONCHITIS, "咳嗽咳痰%d天", List.of(rx("氨溴索片", "30 mg", "tid", 7))),
      new Acute(GASTRITIS, "上腹部隐痛%d天", List.of(rx("奥美拉唑肠溶胶囊", "20 mg", "qd", 14))),
      new Acute(LOW_BACK_PAIN, "腰痛%d天", List.of(rx("布洛芬缓释胶囊", "0.3 g", "bid", 7))),
      new Acute(CONSTIPATION, "大便干结%d天", List.of(rx("乳果糖口服溶液", "15 ml", "qd", 7))),
      new Acute(HEADACHE, "头痛%d天", List.of()));

  /** Antihypertensive regimens: a patient keeps one, sometimes with a second drug added. */
  static final List<Prescription> ANTIHYPERTENSIVES = List.of(
      rx("氨氯地平", "5 mg", "qd", 30),
      rx("硝苯地平控释片", "30 mg", "qd", 30),
      rx("缬沙坦", "80 mg", "qd", 30),
      rx("厄贝沙坦", "150 mg", "qd", 30),
      rx("氢氯噻嗪", "12.5 mg", "qd", 30),
      rx("美托洛尔缓释片", "47.5 mg", "qd", 30));

  static final List<Prescription> ANTIDIABETICS = List.of(
      rx("二甲双胍", "0.5 g", "tid", 30),
      rx("格列美脲", "2 mg", "qd", 30),
      rx("阿卡波糖", "50 mg", "tid", 30),
      rx("西格列汀", "100 mg", "qd", 30));

  static final Prescription STATIN = rx("阿托伐他汀钙片", "20 mg", "qn", 30);

  private Diagnoses() {}

  static String name(String code) {
    return NAMES.get(code);
  }

  private static Prescription rx(String drug, String dose, String frequency, int days) {
    return new Prescription(drug, dose, frequency, days);
  }
}
