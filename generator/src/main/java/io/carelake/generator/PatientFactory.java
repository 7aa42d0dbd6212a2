package io.carelake.generator;

import io.carelake.core.ids.ResidentIds;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Creates the synthetic population. Prevalence follows Chinese adult figures by age band (China
 * Hypertension Survey, about 23 % overall and over 40 % from 60; diabetes about 11 %); incidence over
 * the generated period is about 8 % for hypertension and 5 % for type 2 diabetes per year among
 * those free of it at the start, higher for those with more {@link RiskFactors} (parents with
 * hypertension, smoking, a family history of diabetes, central adiposity, age).
 */
final class PatientFactory {

  static final double HYPERTENSION_INCIDENCE_PER_YEAR = 0.08;
  static final double DIABETES_INCIDENCE_PER_YEAR = 0.05;

  private static final String[] MOBILE_PREFIXES = {
      "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
      "150", "151", "152", "153", "155", "156", "157", "158", "159",
      "180", "181", "182", "183", "184", "185", "186", "187", "188", "189"};

  private final long seed;
  private final LocalDate start;
  private final int days;
  private final List<Clinic> clinics;
  // GB 11643 ids must be unique; O(patients) memory, like the patients themselves.
  private final Set<String> issuedIds = new HashSet<>();

  PatientFactory(long seed, LocalDate start, int days, List<Clinic> clinics) {
    this.seed = seed;
    this.start = start;
    this.days = days;
    this.clinics = clinics;
  }

  SyntheticPatient create(int index) {
    SplittableRandom r = Seeds.random(seed, Seeds.PATIENTS, index);
    Clinic clinic = clinics.get(r.nextInt(clinics.size()));
    Clinic.Clinician doctor = clinic.clinicians().get(r.nextInt(clinic.clinicians().size()));
    boolean male = r.nextBoolean();
    // adults 18-95, triangular around the mid-fifties: a primary-care chronic-disease population
    int age = 18 + (int) ((r.nextDouble() + r.nextDouble()) / 2 * 78);
    LocalDate birth = start.minusYears(age).minusDays(1 + r.nextInt(364));
    // most residents are registered where they live; the rest moved in from another district
    District birthplace = r.nextInt(100) < 85 ? clinic.district()
        : District.ALL.get(r.nextInt(District.ALL.size()));
    String residentId = residentId(birthplace, birth, male, r);
    String name = ChineseNames.fullName(r, male);
    String phone = mobile(r);
    String address = Streets.address(clinic.district(), r);
    int healthCheck = r.nextInt(100) < (age >= 65 ? 85 : 55) ? r.nextInt(365) : -1;
    RiskFactors risk = RiskFactors.draw(Seeds.random(seed, Seeds.RISK_FACTORS, index), male);

    DiseaseCourse htn = course(r, prevalence(age, 0.06, 0.22, 0.40, 0.50),
        HYPERTENSION_INCIDENCE_PER_YEAR * risk.hypertensionHazardRatio(age));
    DiseaseCourse dm = course(r, prevalence(age, 0.02, 0.09, 0.17, 0.20),
        DIABETES_INCIDENCE_PER_YEAR * risk.diabetesHazardRatio(age));
    boolean lipids = r.nextInt(100) < (htn.present() || dm.present() ? 35 : 12);

    double ageEffect = Math.max(0, age - 40) * 0.35;
    double sbpBase = clamp(112 + ageEffect + r.nextGaussian() * 7, 98, 134);
    double dbpBase = clamp(72 + ageEffect * 0.3 + r.nextGaussian() * 5, 60, 86);
    double sbpPeak;
    double dbpPeak;
    if (htn.prevalent()) {
      sbpBase = clamp(150 + r.nextGaussian() * 9, 138, 178);
      dbpBase = clamp(92 + r.nextGaussian() * 6, 82, 108);
      sbpPeak = sbpBase;
      dbpPeak = dbpBase;
    } else {
      // incident cases drift from high-normal to stage 1-2 hypertension
      sbpPeak = clamp(154 + r.nextGaussian() * 7, 144, 172);
      dbpPeak = clamp(95 + r.nextGaussian() * 4, 88, 106);
      if (htn.incident()) {
        sbpBase = clamp(sbpBase + 6, 118, 136);
      }
    }
    double glucoseBase = clamp(5.0 + r.nextGaussian() * 0.35, 4.2, 5.9);
    double hba1cBase = clamp(5.3 + r.nextGaussian() * 0.22, 4.5, 5.8);
    double glucosePeak;
    double hba1cPeak;
    if (dm.prevalent()) {
      glucoseBase = clamp(8.6 + r.nextGaussian() * 1.6, 6.8, 14.5);
      hba1cBase = clamp(7.7 + r.nextGaussian() * 0.8, 6.5, 11.0);
      glucosePeak = glucoseBase;
      hba1cPeak = hba1cBase;
    } else {
      glucosePeak = clamp(8.2 + r.nextGaussian() * 0.8, 7.2, 10.5);
      hba1cPeak = clamp(7.2 + r.nextGaussian() * 0.4, 6.6, 8.5);
      if (dm.incident()) {
        glucoseBase = clamp(glucoseBase + 0.4, 5.2, 6.1);
        hba1cBase = clamp(hba1cBase + 0.3, 5.5, 6.0);
      }
    }
    double height = male ? clamp(170 + r.nextGaussian() * 6, 155, 190)
        : clamp(158 + r.nextGaussian() * 5.5, 145, 178);
    double bmi = clamp((htn.present() || dm.present() ? 26 : 23.2) + r.nextGaussian() * 3, 17.5,
        36);

    int[] htnDrugs = drugs(r, Diagnoses.ANTIHYPERTENSIVES.size());
    int[] dmDrugs = drugs(r, Diagnoses.ANTIDIABETICS.size());
    String cuff = htn.present() && r.nextInt(100) < 45
        ? String.format("BPM-%08X", r.nextInt() & 0x7fffffff) : null;
    String meter = dm.present() && r.nextInt(100) < 50
        ? String.format("GLU-%08X", r.nextInt() & 0x7fffffff) : null;

    SyntheticPatient p = new SyntheticPatient(index, r, residentId, name, male, birth, phone,
        address, clinic, doctor, healthCheck, htn, dm, lipids, htnDrugs, dmDrugs, sbpBase, sbpPeak,
        dbpBase, dbpPeak, clamp(14 + r.nextGaussian() * 5, 5, 24), glucoseBase, glucosePeak,
        clamp(1.5 + r.nextGaussian() * 0.6, 0.3, 3.0), hba1cBase, hba1cPeak, height, bmi, cuff,
        meter, risk, Seeds.random(seed, Seeds.RECORDS, index));
    if (htn.prevalent() || dm.prevalent()) {
      // known chronic patients are followed monthly; their first review falls in the first month
      p.nextReviewDay = r.nextInt(Math.min(30, days));
    }
    return p;
  }

  private static double prevalence(int age, double under40, double under60, double under75,
      double older) {
    return age < 40 ? under40 : age < 60 ? under60 : age < 75 ? under75 : older;
  }

  private DiseaseCourse course(SplittableRandom r, double prevalence, double incidencePerYear) {
    if (r.nextDouble() < prevalence) {
      return DiseaseCourse.PREVALENT;
    }
    double incidence = Math.min(0.5, incidencePerYear * days / 365.0);
    if (r.nextDouble() >= incidence) {
      return DiseaseCourse.NEVER;
    }
    // leave the first weeks for a baseline, and let the drift run for four to ten months
    int earliest = Math.min(days - 1, Math.max(1, Math.min(60, days / 4)));
    int diagnosis = earliest + r.nextInt(Math.max(1, days - earliest));
    int drift = 120 + r.nextInt(180);
    return new DiseaseCourse(diagnosis - drift, diagnosis);
  }

  private static int[] drugs(SplittableRandom r, int n) {
    int first = r.nextInt(n);
    if (r.nextInt(100) < 30) {
      return new int[] {first, (first + 1 + r.nextInt(n - 1)) % n};
    }
    return new int[] {first};
  }

  /**
   * A GB 11643 id: region code of the place of registration, birth date, a three-digit sequence
   * whose last digit is odd for men and even for women, and the MOD 11-2 check character.
   */
  private String residentId(District region, LocalDate birth, boolean male, SplittableRandom r) {
    String prefix = region.code() + birth.toString().replace("-", "");
    while (true) {
      int seq = r.nextInt(100) * 10 + (male ? 1 + 2 * r.nextInt(5) : 2 * r.nextInt(5));
      if (seq == 0) {
        continue; // sequence numbers start at 001
      }
      String id = ResidentIds.complete(prefix + String.format("%03d", seq));
      if (issuedIds.add(id)) {
        return id;
      }
    }
  }

  private static String mobile(SplittableRandom r) {
    return MOBILE_PREFIXES[r.nextInt(MOBILE_PREFIXES.length)]
        + String.format("%08d", r.nextInt(100_000_000));
  }

  static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
