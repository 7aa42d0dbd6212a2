package io.carelake.generator;

import io.carelake.core.events.Patient;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * One synthetic resident: identity (PHI), home clinic, the course of hypertension and type 2
 * diabetes, and the physiology behind the measurements. Mutable only in its scheduling fields; its
 * random stream is its own, so patients are independent of each other and of the bad-event rate.
 */
final class SyntheticPatient {

  final int index;
  final SplittableRandom random;

  // identity
  final String residentId;
  final String name;
  final boolean male;
  final LocalDate birthDate;
  final String phone;
  final String address;
  final Patient patient;
  final Patient idOnly;

  // care
  final Clinic clinic;
  final Clinic.Clinician familyDoctor;
  final int healthCheckDayOfYear; // -1: does not attend the annual check

  // disease
  final DiseaseCourse hypertension;
  final DiseaseCourse diabetes;
  final boolean hyperlipidaemia;
  final int[] antihypertensives; // indexes into Diagnoses.ANTIHYPERTENSIVES
  final int[] antidiabetics;

  // physiology: values without treatment; "peak" is reached on the diagnosis day
  final double sbpBase;
  final double sbpPeak;
  final double dbpBase;
  final double dbpPeak;
  final double sbpTreatment;
  final double glucoseBase;
  final double glucosePeak;
  final double glucoseTreatment;
  final double hba1cBase;
  final double hba1cPeak;
  final double heightCm;
  final double bmi;

  // home devices, used once diagnosed
  final String bpCuffId; // null: none
  final String glucometerId;

  // risk factors the published scores ask for (Framingham hypertension, Chinese diabetes score)
  final RiskFactors riskFactors;
  /** When records are made (note signed, lab reported, device synced): its own stream. */
  final SplittableRandom records;

  // scheduling state
  int nextReviewDay = Integer.MAX_VALUE;
  int lastHba1cDay = Integer.MIN_VALUE / 2;
  boolean followUpDue;
  boolean smokingAsked;

  SyntheticPatient(int index, SplittableRandom random, String residentId, String name, boolean male,
      LocalDate birthDate, String phone, String address, Clinic clinic,
      Clinic.Clinician familyDoctor, int healthCheckDayOfYear, DiseaseCourse hypertension,
      DiseaseCourse diabetes, boolean hyperlipidaemia, int[] antihypertensives,
      int[] antidiabetics, double sbpBase, double sbpPeak, double dbpBase, double dbpPeak,
      double sbpTreatment, double glucoseBase, double glucosePeak, double glucoseTreatment,
      double hba1cBase, double hba1cPeak, double heightCm, double bmi, String bpCuffId,
      String glucometerId, RiskFactors riskFactors, SplittableRandom records) {
    this.index = index;
    this.random = random;
    this.residentId = residentId;
    this.name = name;
    this.male = male;
    this.birthDate = birthDate;
    this.phone = phone;
    this.address = address;
    this.patient = new Patient(residentId, name, male ? "1" : "2", birthDate.toString(), phone,
        address);
    this.idOnly = Patient.idOnly(residentId);
    this.clinic = clinic;
    this.familyDoctor = familyDoctor;
    this.healthCheckDayOfYear = healthCheckDayOfYear;
    this.hypertension = hypertension;
    this.diabetes = diabetes;
    this.hyperlipidaemia = hyperlipidaemia;
    this.antihypertensives = antihypertensives;
    this.antidiabetics = antidiabetics;
    this.sbpBase = sbpBase;
    this.sbpPeak = sbpPeak;
    this.dbpBase = dbpBase;
    this.dbpPeak = dbpPeak;
    this.sbpTreatment = sbpTreatment;
    this.glucoseBase = glucoseBase;
    this.glucosePeak = glucosePeak;
    this.glucoseTreatment = glucoseTreatment;
    this.hba1cBase = hba1cBase;
    this.hba1cPeak = hba1cPeak;
    this.heightCm = heightCm;
    this.bmi = bmi;
    this.bpCuffId = bpCuffId;
    this.glucometerId = glucometerId;
    this.riskFactors = riskFactors;
    this.records = records;
  }

  boolean chronicBy(int day) {
    return hypertension.diagnosedBy(day) || diabetes.diagnosedBy(day);
  }

  int ageOn(LocalDate date) {
    return java.time.Period.between(birthDate, date).getYears();
  }

  // Treatment takes about two months to reach its full effect.
  private static double treated(DiseaseCourse course, int day, double effect) {
    int days = course.daysTreated(day);
    return days < 0 ? 0 : effect * Math.min(1.0, days / 60.0);
  }

  /**
   * A value on {@code day} that moves from {@code base} towards {@code peak} as the disease
   * progresses, less what its treatment takes off.
   */
  private static double level(double base, double peak, DiseaseCourse course, int day,
      double effect) {
    return base + (peak - base) * course.progress(day) - treated(course, day, effect);
  }

  /** True systolic pressure on {@code day}, before measurement noise. */
  double systolic(int day) {
    return level(sbpBase, sbpPeak, hypertension, day, sbpTreatment);
  }

  double diastolic(int day) {
    return level(dbpBase, dbpPeak, hypertension, day, sbpTreatment * 0.5);
  }

  double fastingGlucose(int day) {
    return level(glucoseBase, glucosePeak, diabetes, day, glucoseTreatment);
  }

  double hba1c(int day) {
    // HbA1c follows glucose with roughly the ADAG relation (1 mmol/L ≈ 0.6 % here, damped)
    return level(hba1cBase, hba1cPeak, diabetes, day, glucoseTreatment * 0.45);
  }

  /**
   * Waist circumference (cm) from BMI, sex and the patient's central adiposity (a waist-to-BMI
   * relation of Chinese adults: about 2.3 cm per kg/m2 in men, 2.2 in women, 4 cm spread).
   */
  double waistCm() {
    double fromBmi = male ? 30 + 2.3 * bmi : 25 + 2.2 * bmi;
    return fromBmi + 4 * riskFactors.centralAdiposity();
  }

  double weightKg(int day) {
    double h = heightCm / 100.0;
    return bmi * h * h;
  }
}
