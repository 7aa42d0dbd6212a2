package io.carelake.loaders;

import io.carelake.core.events.Codes;
import io.carelake.core.events.Patient;
import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;
import io.carelake.core.ids.EventIds;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns source records into canonical events: an encounter into a visit (with its patient block,
 * ICD-10 diagnoses and a short note), each numeric LOINC measurement of interest into a vital in
 * the canonical unit. Collects all records first (conditions may come before or after their
 * encounter), then maps; every record ends in the {@link Ledger} as an event, merged or skipped.
 */
public final class EventMapper implements Source.Records {

  /**
   * The namespace of the loaders' event ids ({@link EventIds#fromParts}): the same export loaded
   * again gives the same ids, so that ingestion's dedup drops a re-load instead of doubling it.
   */
  static final String ID_NAMESPACE = "carelake-loader";

  /** Encounter classes (FHIR v3 ActCode, Synthea CSV) → carelake visit types. */
  static final Map<String, String> VISIT_TYPES = Map.ofEntries(
      Map.entry("amb", "outpatient"), Map.entry("ambulatory", "outpatient"),
      Map.entry("wellness", "outpatient"), Map.entry("outpatient", "outpatient"),
      Map.entry("urgentcare", "outpatient"), Map.entry("obsenc", "outpatient"),
      Map.entry("emer", "emergency"), Map.entry("emergency", "emergency"),
      Map.entry("imp", "inpatient"), Map.entry("acute", "inpatient"),
      Map.entry("nonac", "inpatient"), Map.entry("ss", "inpatient"),
      Map.entry("inpatient", "inpatient"), Map.entry("snf", "inpatient"),
      Map.entry("hh", "home_visit"), Map.entry("home", "home_visit"),
      Map.entry("hospice", "home_visit"),
      Map.entry("vr", "follow_up"), Map.entry("virtual", "follow_up"));

  /** The result: visits and vitals in a stable order (patient, time, id), and the ledger. */
  public record Result(List<LoadedVisit> visits, List<VitalEvent> vitals, Ledger ledger) {}

  private final Mappings mappings;
  private final String source;
  private final Ledger ledger = new Ledger();
  private final Map<String, Source.Patient> patients = new LinkedHashMap<>();
  private final Map<String, Source.Encounter> encounters = new LinkedHashMap<>();
  private final List<Source.Observation> observations = new ArrayList<>();
  private final List<Source.Condition> conditions = new ArrayList<>();

  /**
   * @param source the source name: prefix of facility ids and part of every event id
   */
  public EventMapper(Mappings mappings, String source) {
    this.mappings = mappings;
    this.source = source;
  }

  @Override
  public void patient(Source.Patient p) {
    ledger.read("patient");
    if (p.id() == null) {
      ledger.skipped("patient-no-id");
    } else if (patients.putIfAbsent(p.id(), p) != null) {
      ledger.skipped("patient-duplicate-id");
    }
  }

  @Override
  public void encounter(Source.Encounter e) {
    ledger.read("encounter");
    if (encounters.putIfAbsent(e.id(), e) != null) {
      ledger.skipped("encounter-duplicate-id", e.where());
    }
  }

  @Override
  public void observation(Source.Observation o) {
    ledger.read("observation");
    observations.add(o);
  }

  @Override
  public void condition(Source.Condition c) {
    ledger.read("condition");
    conditions.add(c);
  }

  @Override
  public void unreadable(String kind, String reason, String where) {
    ledger.read(kind);
    ledger.skipped(reason, where);
  }

  @Override
  public void notLoaded(String resourceType) {
    ledger.notLoaded(resourceType);
  }

  /** Builds the events from everything read. Call once, after the reader is done. */
  public Result map() {
    // conditions → visits: by encounter reference, else by onset within an encounter's period
    Map<String, List<Source.Condition>> byEncounter = new HashMap<>();
    Map<String, List<Source.Encounter>> encountersByPatient = new HashMap<>();
    for (Source.Encounter e : encounters.values()) {
      encountersByPatient.computeIfAbsent(e.patientId(), k -> new ArrayList<>()).add(e);
    }
    Set<String> mappable = new HashSet<>();
    for (Source.Encounter e : encounters.values()) {
      if (patients.containsKey(e.patientId()) && e.facilityId() != null) {
        mappable.add(e.id());
      }
    }
    for (Source.Condition c : conditions) {
      String enc = c.encounterId() != null ? c.encounterId() : during(c, encountersByPatient);
      if (enc == null || !mappable.contains(enc)) {
        ledger.skipped(enc == null ? "condition-no-encounter" : "condition-encounter-not-loaded",
            c.where());
        continue;
      }
      if (icd10(c) == null) {
        ledger.skipped("condition-unmapped-code");
        ledger.unmapped(c.system(), c.code(), c.display());
      } else {
        ledger.merged("condition");
      }
      byEncounter.computeIfAbsent(enc, k -> new ArrayList<>()).add(c);
    }

    Set<String> patientsUsed = new HashSet<>();
    List<LoadedVisit> visits = new ArrayList<>();
    for (Source.Encounter e : encounters.values()) {
      Source.Patient p = patients.get(e.patientId());
      if (p == null) {
        ledger.skipped("encounter-unknown-patient", e.where());
        continue;
      }
      if (e.facilityId() == null) {
        ledger.skipped("encounter-no-facility", e.where());
        continue;
      }
      visits.add(visit(e, p, byEncounter.getOrDefault(e.id(), List.of())));
      patientsUsed.add(p.id());
      ledger.event("visit");
    }

    // measurements with the same (patient, encounter, code, time) are told apart by an ordinal in
    // value order; the value itself is not part of the id because Synthea's CSV rounds it to one
    // decimal while its FHIR bundles keep two, and both must give the same ids
    Map<String, List<VitalEvent>> groups = new LinkedHashMap<>();
    for (Source.Observation o : observations) {
      VitalEvent v = vital(o);
      if (v != null) {
        groups.computeIfAbsent(v.eventId(), k -> new ArrayList<>()).add(v);
        patientsUsed.add(o.patientId());
      }
    }
    List<VitalEvent> vitals = new ArrayList<>();
    for (List<VitalEvent> group : groups.values()) {
      group.sort(Comparator.comparing(VitalEvent::value));
      for (int i = 0; i < group.size(); i++) {
        VitalEvent v = group.get(i);
        vitals.add(i == 0 ? v : new VitalEvent(v.schemaVersion(), EventIds.fromParts(ID_NAMESPACE, v.eventId(),
            Integer.toString(i)), v.eventTime(), v.patient(), v.facilityId(), v.code(),
            v.value(), v.unit(), v.source(), v.deviceId(), v.recordTime()));
        ledger.event("vital");
      }
    }
    for (String id : patients.keySet()) {
      if (patientsUsed.contains(id)) {
        ledger.merged("patient");
      } else {
        ledger.skipped("patient-no-events");
      }
    }
    visits.sort(Comparator.comparing((LoadedVisit v) -> v.patient().residentId())
        .thenComparing(LoadedVisit::eventTime).thenComparing(LoadedVisit::eventId));
    vitals.sort(Comparator.comparing((VitalEvent v) -> v.patient().residentId())
        .thenComparing(VitalEvent::eventTime).thenComparing(VitalEvent::code)
        .thenComparing(VitalEvent::eventId));
    return new Result(visits, vitals, ledger);
  }

  private static String during(Source.Condition c, Map<String, List<Source.Encounter>> byPatient) {
    if (c.onset() == null) {
      return null;
    }
    for (Source.Encounter e : byPatient.getOrDefault(c.patientId(), List.of())) {
      Instant end = e.end() != null ? e.end() : e.start();
      if (!c.onset().isBefore(e.start()) && !c.onset().isAfter(end)) {
        return e.id();
      }
    }
    return null;
  }

  private String icd10(Source.Condition c) {
    if (c.system() == null || FhirReader.SNOMED.equals(c.system())) {
      return mappings.icd10(c.code());
    }
    String s = c.system().toLowerCase(Locale.ROOT);
    // a condition already coded in ICD-10 (-CM) passes through
    return s.contains("icd-10") || s.contains("icd10") ? c.code() : null;
  }

  private LoadedVisit visit(Source.Encounter e, Source.Patient p, List<Source.Condition> cs) {
    String classCode = e.classCode() == null ? "" : e.classCode().toLowerCase(Locale.ROOT);
    // an unknown class passes through as is: governance's visit-type rule quarantines it, visibly
    String visitType = VISIT_TYPES.getOrDefault(classCode,
        classCode.isEmpty() ? "outpatient" : classCode);
    TreeSet<String> diagnoses = new TreeSet<>();
    // sorted on letters and digits only, so that the order does not depend on punctuation, which
    // Synthea's CSV drops (its descriptions have commas replaced by spaces)
    TreeMap<String, String> named = new TreeMap<>(Comparator.comparing(EventMapper::sortKey)
        .thenComparing(Comparator.naturalOrder()));
    for (Source.Condition c : cs) {
      String icd = icd10(c);
      if (icd != null) {
        diagnoses.add(icd);
      }
      String name = c.display() != null ? c.display() : "condition " + c.code();
      named.put(name, icd);
    }
    StringBuilder note = new StringBuilder();
    note.append(Character.toUpperCase(visitType.charAt(0))).append(visitType.substring(1)
        .replace('_', ' ')).append(" visit");
    if (e.typeText() != null) {
      note.append(": ").append(e.typeText());
    }
    note.append('.');
    if (e.reasonText() != null) {
      note.append(" Reason for visit: ").append(e.reasonText()).append('.');
    }
    if (!named.isEmpty()) {
      note.append(" Conditions noted: ");
      List<String> items = new ArrayList<>();
      named.forEach((name, icd) -> items.add(icd == null ? name : name + " (" + icd + ")"));
      note.append(String.join("; ", items)).append('.');
    }
    LoadedPatient patient = new LoadedPatient(p.id(), p.name(), p.sex(), p.birthDate(),
        p.phone(), p.address(), p.ssn(), p.passport(), p.driversLicense());
    return new LoadedVisit(VisitEvent.SCHEMA_VERSION, EventIds.fromParts(ID_NAMESPACE, source, "visit", e.id()),
        SourceTimes.format(e.start()), patient, facility(e.facilityId()), visitType,
        List.copyOf(diagnoses), e.reasonText(), note.toString());
  }

  /** The vital of one measurement, or null (and the reason in the ledger). */
  private VitalEvent vital(Source.Observation o) {
    if (o.code() == null || !mappings.isVital(o.code())) {
      ledger.skipped("observation-code-not-of-interest", o.where());
      return null;
    }
    if (o.value() == null) {
      ledger.skipped("observation-no-numeric-value", o.where());
      return null;
    }
    BigDecimal value;
    try {
      value = new BigDecimal(o.value().trim());
    } catch (NumberFormatException ex) {
      ledger.skipped("observation-no-numeric-value", o.where());
      return null;
    }
    Mappings.UnitRule rule = mappings.unit(o.code(), o.unit());
    if (rule == null) {
      ledger.skipped("observation-unit-not-convertible", o.where());
      return null;
    }
    if (!patients.containsKey(o.patientId())) {
      ledger.skipped("observation-unknown-patient", o.where());
      return null;
    }
    if (o.encounterId() == null) {
      ledger.skipped("observation-no-encounter", o.where());
      return null;
    }
    Source.Encounter e = encounters.get(o.encounterId());
    if (e == null || e.facilityId() == null) {
      ledger.skipped("observation-encounter-not-loaded", o.where());
      return null;
    }
    double out = rule.factor() == 1.0 ? value.doubleValue()
        : value.multiply(BigDecimal.valueOf(rule.factor())).setScale(2, RoundingMode.HALF_EVEN)
            .doubleValue();
    String time = SourceTimes.format(o.time());
    String id = EventIds.fromParts(ID_NAMESPACE, source, "vital", o.patientId(), o.encounterId(), o.code(), time);
    return new VitalEvent(VitalEvent.SCHEMA_VERSION, id, time, Patient.idOnly(o.patientId()),
        facility(e.facilityId()), o.code(), out, rule.canonicalUnit(), Codes.SOURCE_CLINIC, null,
        o.recorded() == null ? null : SourceTimes.format(o.recorded()));
  }

  private static String sortKey(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "");
  }

  private String facility(String id) {
    return source + ":" + id;
  }
}
