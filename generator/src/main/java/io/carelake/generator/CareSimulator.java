package io.carelake.generator;

import io.carelake.core.events.Codes;
import io.carelake.core.events.Prescription;
import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulates one patient-day of primary care: at most one clinic visit (diagnosis, chronic review,
 * annual health check, acute or symptomatic visit, rarely emergency or admission) with the vitals
 * taken there, plus home-device readings for diagnosed patients who own a device. Produces only
 * good events; the {@link BadEventPlanter} downstream damages some of them. Every event carries the
 * time its source recorded it ({@link RecordDelays}): notes are signed after the visit, labs report
 * hours to days after the sample, devices sync later.
 */
final class CareSimulator {

  private final EventIdSequence ids;
  private final EventConsumer out;

  CareSimulator(EventIdSequence ids, EventConsumer out) {
    this.ids = ids;
    this.out = out;
  }

  void simulate(SyntheticPatient p, int day, LocalDate date, String isoDate) {
    SplittableRandom r = p.random;
    Visit visit = planVisit(p, day, date, r);
    if (visit != null) {
      emitVisit(p, day, date, isoDate, visit, r);
    }
    homeReadings(p, day, date, r);
  }

  /** What kind of visit, if any, happens today. */
  private record Visit(String type, String complaint, String primary, boolean newDiagnosis,
      boolean symptomatic, List<Prescription> acuteDrugs) {}

  private Visit planVisit(SyntheticPatient p, int day, LocalDate date, SplittableRandom r) {
    boolean htnToday = p.hypertension.incident() && p.hypertension.diagnosisDay() == day;
    boolean dmToday = p.diabetes.incident() && p.diabetes.diagnosisDay() == day;
    if (htnToday || dmToday) {
      p.nextReviewDay = day + 14;
      p.followUpDue = true;
      return new Visit("outpatient",
          htnToday ? "反复头晕" + (2 + r.nextInt(6)) + "周" : "口干多饮" + (2 + r.nextInt(6)) + "周",
          null, true, false, List.of());
    }
    if (p.chronicBy(day) && day >= p.nextReviewDay) {
      boolean firstFollowUp = p.followUpDue;
      p.followUpDue = false;
      p.nextReviewDay = day + 28 + r.nextInt(8);
      if (r.nextInt(10) == 0) {
        return null; // missed appointment
      }
      String type = firstFollowUp ? "follow_up"
          : p.ageOn(date) >= 80 && r.nextInt(10) < 3 ? "home_visit" : "chronic_review";
      String complaint = p.hypertension.diagnosedBy(day) && p.diabetes.diagnosedBy(day)
          ? "高血压、糖尿病随访" : p.hypertension.diagnosedBy(day) ? "高血压复诊取药" : "糖尿病随访";
      return new Visit(type, complaint, null, false, false, List.of());
    }
    if (p.healthCheckDayOfYear >= 0 && day % 365 == p.healthCheckDayOfYear) {
      return new Visit("outpatient", "健康体检", Diagnoses.HEALTH_CHECK, false, false, List.of());
    }
    double htnDrift = p.hypertension.diagnosedBy(day) ? 0 : p.hypertension.progress(day);
    double dmDrift = p.diabetes.diagnosedBy(day) ? 0 : p.diabetes.progress(day);
    double acute = (2.5 + (p.ageOn(date) >= 60 ? 1.5 : 0)) / 365;
    double symptomatic = (4 * htnDrift + 3 * dmDrift) / 365;
    double u = r.nextDouble();
    if (u < symptomatic) {
      if (r.nextDouble() * (htnDrift + dmDrift) < htnDrift) {
        return new Visit("outpatient", "头晕" + (1 + r.nextInt(14)) + "天", Diagnoses.DIZZINESS,
            false, true, List.of());
      }
      return new Visit("outpatient", "乏力、口干" + (1 + r.nextInt(4)) + "周",
          dmDrift > 0.3 ? Diagnoses.PREDIABETES : Diagnoses.DIZZINESS, false, true, List.of());
    }
    u -= symptomatic;
    if (u < acute) {
      Diagnoses.Acute a = Diagnoses.ACUTE.get(r.nextInt(Diagnoses.ACUTE.size()));
      return new Visit("outpatient", String.format(a.complaint(), 1 + r.nextInt(7)), a.code(),
          false, false, a.drugs());
    }
    u -= acute;
    if (u < 0.15 / 365) {
      return new Visit("emergency", "突发头晕伴恶心" + (1 + r.nextInt(6)) + "小时",
          Diagnoses.DIZZINESS, false, false, List.of());
    }
    u -= 0.15 / 365;
    if (p.chronicBy(day) && u < 0.2 / 365) {
      return new Visit("inpatient",
          p.diabetes.diagnosedBy(day) ? "血糖控制不佳1月" : "血压控制不佳1月", null, false, false,
          List.of());
    }
    return null;
  }

  private void emitVisit(SyntheticPatient p, int day, LocalDate date, String isoDate, Visit v,
      SplittableRandom r) {
    int age = p.ageOn(date);
    boolean htn = p.hypertension.diagnosedBy(day);
    boolean dm = p.diabetes.diagnosedBy(day);
    boolean htnNew = v.newDiagnosis() && p.hypertension.diagnosisDay() == day;
    boolean dmNew = v.newDiagnosis() && p.diabetes.diagnosisDay() == day;
    boolean healthCheck = Diagnoses.HEALTH_CHECK.equals(v.primary());
    boolean review = v.type().equals("chronic_review") || v.type().equals("follow_up")
        || v.type().equals("home_visit");

    // which measurements are taken
    boolean bp = review ? htn || r.nextInt(100) < 85
        : htnNew || healthCheck || v.type().equals("emergency") || v.type().equals("inpatient")
            || (v.symptomatic() && Diagnoses.DIZZINESS.equals(v.primary()))
            || r.nextInt(100) < (age >= 35 ? 70 : 30);
    boolean glucose = review ? (dm ? r.nextInt(100) < 90 : r.nextInt(100) < 20)
        : dmNew || healthCheck || Diagnoses.PREDIABETES.equals(v.primary())
            || (v.type().equals("inpatient") && dm) || r.nextInt(100) < 10;
    boolean hba1c = dmNew || (review && dm && day - p.lastHba1cDay >= 90 && r.nextInt(10) < 8)
        || (healthCheck && r.nextInt(10) < 4)
        || (Diagnoses.PREDIABETES.equals(v.primary()) && r.nextBoolean());
    boolean weight = healthCheck || (review && r.nextInt(10) < 4)
        || (v.newDiagnosis() && r.nextInt(10) < 6) || r.nextInt(100) < 15;
    boolean height = healthCheck || (v.newDiagnosis() && r.nextInt(10) < 3);
    // the inputs of the published scores, drawn from the records stream (see Seeds.RECORDS)
    SplittableRandom extra = p.records;
    boolean waist = healthCheck || (v.newDiagnosis() && extra.nextBoolean())
        || (review && extra.nextInt(5) == 0);
    boolean smoking = healthCheck || (!p.smokingAsked && extra.nextInt(10) < 8);

    double sbp = Double.NaN;
    double dbp = Double.NaN;
    if (bp) {
      sbp = p.systolic(day) + r.nextGaussian() * 7;
      if (htnNew) {
        sbp = Math.max(sbp, 142 + r.nextInt(10)); // the diagnosis is made on a raised reading
      }
      sbp = Math.round(Plausible.GOOD.get(Codes.LOINC_SYSTOLIC_BP).clamp(sbp));
      dbp = p.diastolic(day) + r.nextGaussian() * 5;
      dbp = Math.round(Plausible.GOOD.get(Codes.LOINC_DIASTOLIC_BP).clamp(Math.min(dbp, sbp - 25)));
    }
    double glu = Double.NaN;
    if (glucose) {
      glu = p.fastingGlucose(day) + r.nextGaussian() * 0.4;
      if (dmNew) {
        glu = Math.max(glu, 7.1 + r.nextDouble());
      }
      glu = Plausible.round1(Plausible.GOOD.get(Codes.LOINC_GLUCOSE).clamp(glu));
    }
    double a1c = Double.NaN;
    if (hba1c) {
      a1c = p.hba1c(day) + r.nextGaussian() * 0.15;
      if (dmNew) {
        a1c = Math.max(a1c, 6.6 + r.nextDouble() * 0.5);
      }
      a1c = Plausible.round1(Plausible.GOOD.get(Codes.LOINC_HBA1C).clamp(a1c));
      if (dm) {
        p.lastHba1cDay = day;
      }
    }
    double kg = Double.NaN;
    double bmi = Double.NaN;
    double cm = height ? Plausible.round1(Plausible.GOOD.get(Codes.LOINC_BODY_HEIGHT)
        .clamp(p.heightCm + r.nextGaussian() * 0.5)) : Double.NaN;
    if (weight) {
      kg = Plausible.round1(Plausible.GOOD.get(Codes.LOINC_BODY_WEIGHT)
          .clamp(p.weightKg(day) + r.nextGaussian() * 0.8));
      double h = p.heightCm / 100;
      bmi = Plausible.round1(Plausible.GOOD.get(Codes.LOINC_BMI).clamp(kg / (h * h)));
    }

    List<String> diagnoses = new ArrayList<>(4);
    if (v.primary() != null) {
      diagnoses.add(v.primary());
    }
    if (htn) {
      diagnoses.add(Diagnoses.HYPERTENSION);
    }
    if (dm) {
      diagnoses.add(p.hba1c(day) > 8.0 ? Diagnoses.T2DM_HYPERGLYCAEMIA : Diagnoses.T2DM);
    }
    if (p.hyperlipidaemia && (review || v.type().equals("inpatient"))) {
      diagnoses.add(Diagnoses.HYPERLIPIDAEMIA);
    }
    if (healthCheck || v.newDiagnosis()) {
      if (p.riskFactors.parentsWithHypertension() > 0) {
        diagnoses.add(Diagnoses.FAMILY_HISTORY_CIRCULATORY);
      }
      if (p.riskFactors.familyDiabetes()) {
        diagnoses.add(Diagnoses.FAMILY_HISTORY_DIABETES);
      }
    }

    List<Prescription> rx = new ArrayList<>(4);
    if (review || v.type().equals("inpatient") || v.newDiagnosis()) {
      if (htn && (!v.newDiagnosis() || htnNew)) {
        for (int i = 0; i < (htnNew ? 1 : p.antihypertensives.length); i++) {
          rx.add(Diagnoses.ANTIHYPERTENSIVES.get(p.antihypertensives[i]));
        }
      }
      if (dm && (!v.newDiagnosis() || dmNew)) {
        for (int i = 0; i < (dmNew ? 1 : p.antidiabetics.length); i++) {
          rx.add(Diagnoses.ANTIDIABETICS.get(p.antidiabetics[i]));
        }
      }
      if (p.hyperlipidaemia && review) {
        rx.add(Diagnoses.STATIN);
      }
    }
    rx.addAll(v.acuteDrugs());

    Clinic.Clinician doctor = v.type().equals("home_visit") || r.nextInt(10) < 8
        ? p.familyDoctor
        : p.clinic.clinicians().get(r.nextInt(p.clinic.clinicians().size()));
    double waistCm = waist ? Plausible.round1(Plausible.GOOD.get(Codes.LOINC_WAIST)
        .clamp(p.waistCm() + extra.nextGaussian() * 1.0)) : Double.NaN;
    NoteWriter.Measured measured = new NoteWriter.Measured(sbp, dbp, glu, a1c, kg, cm, bmi,
        waistCm);
    String note = NoteWriter.note(p, date, v.type(), v.complaint(), diagnoses, measured, rx, doctor,
        v.newDiagnosis(), r);

    int second = clinicSecond(r);
    String facility = p.clinic.facilityId();
    out.visit(new VisitEvent(VisitEvent.SCHEMA_VERSION, ids.next(), Times.eventTime(isoDate, second),
        p.patient, facility, doctor.id(), v.type(), List.copyOf(diagnoses), v.complaint(), note,
        List.copyOf(rx), Times.at(date, second + RecordDelays.noteSigned(extra))));
    int t = second + 60 + r.nextInt(300);
    if (bp) {
      int recorded = t + RecordDelays.chartedAtTheVisit(extra);
      vital(p, date, t, recorded, facility, Codes.LOINC_SYSTOLIC_BP, sbp, Codes.SOURCE_CLINIC, null);
      vital(p, date, t, recorded, facility, Codes.LOINC_DIASTOLIC_BP, dbp, Codes.SOURCE_CLINIC,
          null);
    }
    if (height) {
      vital(p, date, t + 30, t + 30 + RecordDelays.chartedAtTheVisit(extra), facility,
          Codes.LOINC_BODY_HEIGHT, cm, Codes.SOURCE_CLINIC, null);
    }
    if (weight) {
      int recorded = t + 40 + RecordDelays.chartedAtTheVisit(extra);
      vital(p, date, t + 40, recorded, facility, Codes.LOINC_BODY_WEIGHT, kg, Codes.SOURCE_CLINIC,
          null);
      vital(p, date, t + 40, recorded, facility, Codes.LOINC_BMI, bmi, Codes.SOURCE_CLINIC, null);
    }
    if (waist) {
      vital(p, date, t + 50, t + 50 + RecordDelays.chartedAtTheVisit(extra), facility,
          Codes.LOINC_WAIST, waistCm, Codes.SOURCE_CLINIC, null);
    }
    if (smoking) {
      p.smokingAsked = true;
      vital(p, date, second, second + RecordDelays.noteSigned(extra), facility,
          Codes.LOINC_SMOKING_PACKS_PER_DAY, p.riskFactors.packsPerDay(), Codes.SOURCE_CLINIC,
          null);
    }
    if (glucose) {
      vital(p, date, t + 600, t + 600 + RecordDelays.glucoseReported(extra), facility,
          Codes.LOINC_GLUCOSE, glu, Codes.SOURCE_CLINIC, null);
    }
    if (hba1c) {
      vital(p, date, t + 900, t + 900 + RecordDelays.hba1cReported(extra), facility,
          Codes.LOINC_HBA1C, a1c, Codes.SOURCE_CLINIC, null);
    }
  }

  private void homeReadings(SyntheticPatient p, int day, LocalDate date, SplittableRandom r) {
    String facility = p.clinic.facilityId();
    if (p.bpCuffId != null && p.hypertension.diagnosedBy(day) && r.nextInt(100) < 50) {
      int t = homeSecond(r);
      // home readings run about 5 mm[Hg] below office readings (no white-coat effect)
      double sbp = Math.round(Plausible.GOOD.get(Codes.LOINC_SYSTOLIC_BP)
          .clamp(p.systolic(day) - 5 + r.nextGaussian() * 8));
      double dbp = Math.round(Plausible.GOOD.get(Codes.LOINC_DIASTOLIC_BP)
          .clamp(Math.min(p.diastolic(day) - 3 + r.nextGaussian() * 5, sbp - 25)));
      int synced = t + RecordDelays.deviceSynced(p.records);
      vital(p, date, t, synced, facility, Codes.LOINC_SYSTOLIC_BP, sbp, Codes.SOURCE_HOME_DEVICE,
          p.bpCuffId);
      vital(p, date, t, synced, facility, Codes.LOINC_DIASTOLIC_BP, dbp,
          Codes.SOURCE_HOME_DEVICE, p.bpCuffId);
    }
    if (p.glucometerId != null && p.diabetes.diagnosedBy(day) && r.nextInt(100) < 35) {
      double glu = Plausible.round1(Plausible.GOOD.get(Codes.LOINC_GLUCOSE)
          .clamp(p.fastingGlucose(day) + r.nextGaussian() * 0.6));
      int t = homeSecond(r);
      vital(p, date, t, t + RecordDelays.deviceSynced(p.records), facility, Codes.LOINC_GLUCOSE,
          glu, Codes.SOURCE_HOME_DEVICE, p.glucometerId);
    }
  }

  /** One measurement taken {@code second}s after midnight and recorded {@code recorded}s after it. */
  private void vital(SyntheticPatient p, LocalDate date, int second, int recorded, String facility,
      String code, double value, String source, String deviceId) {
    out.vital(new VitalEvent(VitalEvent.SCHEMA_VERSION, ids.next(), Times.at(date, second),
        p.idOnly, facility, code, value, Codes.CANONICAL_UNIT.get(code), source, deviceId,
        Times.at(date, recorded)));
  }

  /** Clinic hours: 08:00-11:30 (two thirds of visits) and 13:30-17:00. */
  private static int clinicSecond(SplittableRandom r) {
    int start = r.nextInt(3) < 2 ? 8 * 3600 : 13 * 3600 + 1800;
    return start + r.nextInt(3 * 3600 + 1800);
  }

  /** Home readings: mornings 06:30-09:00 or evenings 19:00-21:30. */
  private static int homeSecond(SplittableRandom r) {
    int start = r.nextBoolean() ? 6 * 3600 + 1800 : 19 * 3600;
    return start + r.nextInt(2 * 3600 + 1800);
  }
}
