package io.carelake.generator;

import io.carelake.core.events.Prescription;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes chief complaints and free-text notes the way primary-care doctors do, including the PHI
 * real notes carry: the patient's name, resident id and phone (in the formats people actually type:
 * spaced, hyphenated, full-width, with +86), the address, relatives' names and the doctor's signature.
 * De-identification is tested against these notes, so every mention is the patient's real value.
 */
final class NoteWriter {

  private static final String[] RELATIONS = {"儿子", "女儿", "老伴", "儿媳", "女婿", "孙女"};

  private NoteWriter() {}

  /** What was measured at the visit; NaN when not measured. */
  record Measured(double sbp, double dbp, double glucose, double hba1c, double weight,
      double heightCm, double bmi, double waistCm) {}

  static String note(SyntheticPatient p, LocalDate date, String visitType, String complaint,
      List<String> diagnoses, Measured m, List<Prescription> rx, Clinic.Clinician doctor,
      boolean newDiagnosis, SplittableRandom r) {
    StringBuilder sb = new StringBuilder(256);
    String sex = p.male ? "男" : "女";
    int age = p.ageOn(date);
    int style = r.nextInt(10);
    if (style < 3) {
      sb.append("患者").append(p.name).append("，").append(sex).append("，").append(age).append("岁。");
    } else if (style < 5) {
      sb.append("患者").append(p.name).append("，").append(sex).append("，").append(age)
          .append("岁，身份证号").append(formatId(p.residentId, r))
          .append("，联系电话").append(formatPhone(p.phone, r))
          .append("，家住").append(p.address).append("。");
    } else if (style < 7) {
      sb.append(p.name).append("，").append(sex).append("，").append(age).append("岁，电话")
          .append(formatPhone(p.phone, r)).append("。");
    } else {
      sb.append("患者").append(sex).append("，").append(age).append("岁。");
    }
    sb.append("主诉：").append(complaint).append("。");
    if (r.nextInt(100) < 15) {
      String relation = RELATIONS[r.nextInt(RELATIONS.length)];
      boolean sameSurname = relation.equals("儿子") || relation.equals("女儿")
          || relation.equals("孙女");
      boolean male = relation.equals("儿子") || relation.equals("女婿")
          || (relation.equals("老伴") && !p.male);
      String relative = sameSurname ? surnameOf(p.name) + ChineseNames.givenName(r, male)
          : ChineseNames.fullName(r, male);
      sb.append("由其").append(relation).append(relative).append("陪同就诊");
      if (r.nextBoolean()) {
        sb.append("（家属电话").append(formatPhone(otherMobile(r), r)).append("）");
      }
      sb.append("。");
    }
    switch (visitType) {
      case "chronic_review", "follow_up", "home_visit" -> {
        sb.append(visitType.equals("home_visit") ? "入户随访。" : "慢病随访。");
        sb.append(r.nextBoolean() ? "近期规律服药，无头晕头痛、胸闷气短。" : "服药依从性一般，偶有漏服。");
      }
      case "emergency" -> sb.append("急诊就诊，神志清楚，生命体征平稳。");
      case "inpatient" -> sb.append("收入院观察，完善相关检查。");
      default -> {
        if (diagnoses.contains(Diagnoses.HEALTH_CHECK)) {
          sb.append("年度健康体检。");
        } else if (newDiagnosis) {
          sb.append("近").append(2 + r.nextInt(5)).append("个月").append(
              diagnoses.contains(Diagnoses.HYPERTENSION) ? "反复头晕，多次测血压偏高。"
                  : "口干、多饮、多尿，体重略有下降。");
        } else {
          sb.append("无发热寒战，饮食睡眠可。");
        }
      }
    }
    appendFindings(sb, m);
    sb.append("诊断：");
    for (int i = 0; i < diagnoses.size(); i++) {
      sb.append(i == 0 ? "" : "；").append(Diagnoses.name(diagnoses.get(i)));
    }
    if (newDiagnosis) {
      sb.append("（新诊断）");
    }
    sb.append("。");
    if (!rx.isEmpty()) {
      sb.append("予");
      for (int i = 0; i < rx.size(); i++) {
        Prescription x = rx.get(i);
        sb.append(i == 0 ? "" : "、").append(x.drug()).append(x.dose().replace(" ", ""))
            .append(' ').append(x.frequency());
      }
      sb.append("口服。");
    }
    if (diagnoses.contains(Diagnoses.HYPERTENSION)) {
      sb.append("嘱低盐低脂饮食，监测血压，");
    } else if (diagnoses.contains(Diagnoses.T2DM) || diagnoses.contains(Diagnoses.T2DM_HYPERGLYCAEMIA)
        || diagnoses.contains(Diagnoses.PREDIABETES)) {
      sb.append("嘱控制饮食、适量运动，监测血糖，");
    } else {
      sb.append("嘱多休息，");
    }
    sb.append(newDiagnosis ? "2周后复诊。" : "不适随诊。");
    int sign = r.nextInt(10);
    if (sign < 3) {
      sb.append("医师").append(doctor.name());
    } else if (sign < 5) {
      sb.append("接诊医生：").append(doctor.name());
    } else if (sign < 6) {
      sb.append("（").append(doctor.name()).append("）");
    }
    return sb.toString();
  }

  private static void appendFindings(StringBuilder sb, Measured m) {
    boolean any = false;
    if (!Double.isNaN(m.sbp())) {
      sb.append("查体：血压").append((int) m.sbp()).append('/').append((int) m.dbp()).append("mmHg");
      any = true;
    }
    if (!Double.isNaN(m.heightCm())) {
      sb.append(any ? "，" : "查体：").append("身高").append(m.heightCm()).append("cm");
      any = true;
    }
    if (!Double.isNaN(m.weight())) {
      sb.append(any ? "，" : "查体：").append("体重").append(m.weight()).append("kg");
      any = true;
    }
    if (!Double.isNaN(m.bmi())) {
      sb.append("，BMI ").append(m.bmi());
    }
    if (!Double.isNaN(m.waistCm())) {
      sb.append(any ? "，" : "查体：").append("腰围").append(m.waistCm()).append("cm");
      any = true;
    }
    if (any) {
      sb.append("。");
    }
    if (!Double.isNaN(m.glucose())) {
      sb.append("空腹血糖").append(m.glucose()).append("mmol/L");
      sb.append(Double.isNaN(m.hba1c()) ? "。" : "，");
    }
    if (!Double.isNaN(m.hba1c())) {
      sb.append("糖化血红蛋白").append(m.hba1c()).append("%。");
    }
  }

  private static String surnameOf(String name) {
    // compound surnames are two characters; all of ours that are compound are listed here
    for (String compound : new String[] {"欧阳", "司马", "上官", "诸葛"}) {
      if (name.startsWith(compound)) {
        return compound;
      }
    }
    return name.substring(0, 1);
  }

  /** Resident ids as people write them: plain, 6-8-4 spaced, hyphenated or in full-width digits. */
  static String formatId(String id, SplittableRandom r) {
    int v = r.nextInt(20);
    if (v < 10) {
      return id;
    }
    if (v < 14) {
      return id.substring(0, 6) + " " + id.substring(6, 14) + " " + id.substring(14);
    }
    if (v < 17) {
      return id.substring(0, 6) + "-" + id.substring(6, 14) + "-" + id.substring(14);
    }
    return fullWidth(id);
  }

  /** Mobiles as people write them: plain, 3-4-4 hyphenated, +86 spaced, or 0086. */
  static String formatPhone(String phone, SplittableRandom r) {
    int v = r.nextInt(20);
    if (v < 11) {
      return phone;
    }
    if (v < 14) {
      return phone.substring(0, 3) + "-" + phone.substring(3, 7) + "-" + phone.substring(7);
    }
    if (v < 17) {
      return "+86 " + phone.substring(0, 3) + " " + phone.substring(3, 7) + " " + phone.substring(7);
    }
    return "0086" + phone;
  }

  private static String fullWidth(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(c >= '0' && c <= '9' ? (char) (c - '0' + '０') : c == 'X' ? 'Ｘ' : c);
    }
    return sb.toString();
  }

  private static String otherMobile(SplittableRandom r) {
    return "13" + r.nextInt(10) + String.format("%08d", r.nextInt(100_000_000));
  }
}
