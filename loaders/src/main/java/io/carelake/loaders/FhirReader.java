package io.carelake.loaders;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads FHIR R4 bundles (JSON), streamed entry by entry (Jackson's parser, one tree per entry): Patient, Encounter, Observation and
 * Condition resources; every other resource type is counted as not loaded. A path is one bundle
 * file or a directory whose {@code *.json} files are read in name order. References may be
 * {@code urn:uuid:ID}, {@code Type/ID} or a conditional {@code Type?identifier=system|ID}.
 */
final class FhirReader {

  static final String LOINC = "http://loinc.org";
  static final String SNOMED = "http://snomed.info/sct";

  private final ObjectMapper json = new ObjectMapper();
  private final Mappings mappings;

  FhirReader(Mappings mappings) {
    this.mappings = mappings;
  }

  /** The bundle files a path names, in a stable order. */
  static List<Path> files(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new IOException(path + " is neither a FHIR bundle file nor a directory of bundles");
    }
    try (Stream<Path> s = Files.list(path)) {
      List<Path> files = s.filter(p -> Files.isRegularFile(p)
          && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
          .sorted().toList();
      if (files.isEmpty()) {
        throw new IOException(path + " holds no *.json FHIR bundles");
      }
      return files;
    }
  }

  void read(Path path, Source.Records out) throws IOException {
    for (Path file : files(path)) {
      readBundle(file, out);
    }
  }

  /**
   * Streams one bundle: its entries are read one at a time, so a bundle of a whole population's
   * history (hundreds of MB) needs memory for one resource, not for the file. FHIR writers put
   * {@code resourceType} first; a bundle that names it only after its entries is read whole.
   */
  void readBundle(Path file, Source.Records out) throws IOException {
    try (JsonParser p = json.getFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + ": not a JSON FHIR bundle (expected a JSON object)");
      }
      String resourceType = null;
      int entry = 0;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("resourceType".equals(field)) {
          resourceType = p.getValueAsString();
          requireBundle(file, resourceType);
        } else if ("entry".equals(field) && value == JsonToken.START_ARRAY
            && resourceType != null) {
          while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonNode e = json.readTree(p);
            resource(e.path("resource"), file.getFileName() + " entry " + entry++, out);
          }
        } else if ("entry".equals(field) && resourceType == null) {
          readWhole(file, out);
          return;
        } else {
          p.skipChildren();
        }
      }
      requireBundle(file, resourceType);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not a JSON FHIR bundle (" + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")", e);
    }
  }

  /** The tree-model path, for a bundle whose resourceType comes after its entries. */
  private void readWhole(Path file, Source.Records out) throws IOException {
    JsonNode root = json.readTree(file.toFile());
    requireBundle(file, text(root, "resourceType"));
    JsonNode entries = root.path("entry");
    for (int i = 0; i < entries.size(); i++) {
      resource(entries.get(i).path("resource"), file.getFileName() + " entry " + i, out);
    }
  }

  private static void requireBundle(Path file, String resourceType) throws IOException {
    if (!"Bundle".equals(resourceType)) {
      throw new IOException(file + ": resourceType is '" + resourceType
          + "', expected 'Bundle'; pass bundle files only");
    }
  }

  private void resource(JsonNode r, String where, Source.Records out) {
    String type = text(r, "resourceType");
    switch (type == null ? "" : type) {
      case "Patient" -> patient(r, out);
      case "Encounter" -> encounter(r, where, out);
      case "Observation" -> observation(r, where, out);
      case "Condition" -> condition(r, where, out);
      default -> out.notLoaded(type == null ? "(no resourceType)" : type);
    }
  }

  private void patient(JsonNode r, Source.Records out) {
    String id = text(r, "id");
    JsonNode name = official(r.path("name"));
    List<String> parts = new ArrayList<>();
    addAll(parts, name.path("prefix"));
    addAll(parts, name.path("given"));
    if (text(name, "family") != null) {
      parts.add(text(name, "family"));
    }
    addAll(parts, name.path("suffix"));
    String phone = null;
    for (JsonNode t : r.path("telecom")) {
      if ("phone".equals(text(t, "system")) && phone == null) {
        phone = text(t, "value");
      }
    }
    String address = null;
    JsonNode a = r.path("address").path(0);
    if (!a.isMissingNode()) {
      List<String> lines = new ArrayList<>();
      addAll(lines, a.path("line"));
      address = Addresses.format(String.join(" ", lines), text(a, "city"),
          mappings.stateCode(text(a, "state")), text(a, "postalCode"));
    }
    String ssn = null;
    String passport = null;
    String drivers = null;
    for (JsonNode ident : r.path("identifier")) {
      String typeCode = text(ident.path("type").path("coding").path(0), "code");
      String system = text(ident, "system");
      String value = text(ident, "value");
      if ("SS".equals(typeCode) || "http://hl7.org/fhir/sid/us-ssn".equals(system)) {
        ssn = value;
      } else if ("PPN".equals(typeCode)) {
        passport = value;
      } else if ("DL".equals(typeCode)) {
        drivers = value;
      }
    }
    out.patient(new Source.Patient(id, parts.isEmpty() ? null : String.join(" ", parts),
        Sexes.fromFhir(text(r, "gender")), text(r, "birthDate"), phone, address, ssn, passport,
        drivers));
  }

  private void encounter(JsonNode r, String where, Source.Records out) {
    String id = text(r, "id");
    String patient = refId(r.path("subject"));
    Instant start;
    Instant end;
    try {
      start = SourceTimes.parse(text(r.path("period"), "start"));
      end = SourceTimes.parse(text(r.path("period"), "end"));
    } catch (DateTimeParseException e) {
      out.unreadable("encounter", "encounter-bad-time", where);
      return;
    }
    if (id == null || patient == null || start == null) {
      out.unreadable("encounter", id == null ? "encounter-no-id" : patient == null
          ? "encounter-no-patient" : "encounter-no-start", where);
      return;
    }
    String facility = refId(r.path("serviceProvider"));
    if (facility == null) {
      facility = refId(r.path("location").path(0).path("location"));
    }
    JsonNode type = r.path("type").path(0);
    String typeText = text(type, "text") != null ? text(type, "text")
        : text(type.path("coding").path(0), "display");
    JsonNode reason = r.path("reasonCode").path(0);
    JsonNode reasonCoding = reason.path("coding").path(0);
    String reasonText = text(reasonCoding, "display") != null ? text(reasonCoding, "display")
        : text(reason, "text");
    out.encounter(new Source.Encounter(id, patient, start, end, facility,
        text(r.path("class"), "code"), typeText, text(reasonCoding, "code"), reasonText, where));
  }

  private void observation(JsonNode r, String where, Source.Records out) {
    String patient = refId(r.path("subject"));
    String encounter = refId(r.path("encounter"));
    Instant time;
    Instant issued;
    try {
      issued = SourceTimes.parse(text(r, "issued"));
    } catch (DateTimeParseException e) {
      // a bad issued time loses only the record time: the measurement itself is still dated
      issued = null;
    }
    try {
      time = SourceTimes.parse(text(r, "effectiveDateTime"));
      if (time == null) {
        time = SourceTimes.parse(text(r.path("effectivePeriod"), "start"));
      }
      if (time == null) {
        time = SourceTimes.parse(text(r, "issued"));
      }
    } catch (DateTimeParseException e) {
      time = null;
    }
    JsonNode components = r.path("component");
    if (components.isArray() && !components.isEmpty()) {
      // a panel (e.g. 85354-9 blood pressure): each component is one measurement
      for (int i = 0; i < components.size(); i++) {
        JsonNode c = components.get(i);
        emitObservation(patient, encounter, time, issued, c, where + " component " + i, out);
      }
    } else {
      emitObservation(patient, encounter, time, issued, r, where, out);
    }
  }

  private void emitObservation(String patient, String encounter, Instant time, Instant issued,
      JsonNode node, String where, Source.Records out) {
    String code = loinc(node.path("code"));
    JsonNode q = node.path("valueQuantity");
    String value = q.path("value").isNumber() ? q.path("value").asText() : null;
    String unit = text(q, "code") != null ? text(q, "code") : text(q, "unit");
    if (time == null) {
      out.unreadable("observation", "observation-no-time", where);
      return;
    }
    if (patient == null) {
      out.unreadable("observation", "observation-no-patient", where);
      return;
    }
    out.observation(new Source.Observation(patient, encounter, time, code, value, unit, where,
        issued));
  }

  private void condition(JsonNode r, String where, Source.Records out) {
    String patient = refId(r.path("subject"));
    String encounter = refId(r.path("encounter"));
    Instant onset;
    try {
      onset = SourceTimes.parse(text(r, "onsetDateTime"));
      if (onset == null) {
        onset = SourceTimes.parse(text(r, "recordedDate"));
      }
    } catch (DateTimeParseException e) {
      onset = null;
    }
    if (patient == null) {
      out.unreadable("condition", "condition-no-patient", where);
      return;
    }
    JsonNode coding = null;
    for (JsonNode c : r.path("code").path("coding")) {
      if (coding == null || SNOMED.equals(text(c, "system"))) {
        coding = c;
      }
    }
    if (coding == null || text(coding, "code") == null) {
      out.unreadable("condition", "condition-no-code", where);
      return;
    }
    out.condition(new Source.Condition(patient, encounter, onset, text(coding, "system"),
        text(coding, "code"), text(coding, "display"), where));
  }

  /** The first LOINC code of a CodeableConcept (or its first code when none is LOINC). */
  private static String loinc(JsonNode concept) {
    String first = null;
    for (JsonNode c : concept.path("coding")) {
      if (LOINC.equals(text(c, "system"))) {
        return text(c, "code");
      }
      if (first == null) {
        first = text(c, "code");
      }
    }
    return first;
  }

  /** The official name, else the first one. */
  private static JsonNode official(JsonNode names) {
    for (JsonNode n : names) {
      if ("official".equals(text(n, "use"))) {
        return n;
      }
    }
    return names.path(0);
  }

  /** The id in a Reference: {@code urn:uuid:ID}, {@code Type/ID}, {@code Type?identifier=s|ID}. */
  static String refId(JsonNode reference) {
    String ref = text(reference, "reference");
    if (ref == null) {
      return null;
    }
    int bar = ref.lastIndexOf('|');
    if (bar >= 0) {
      return ref.substring(bar + 1);
    }
    if (ref.startsWith("urn:uuid:")) {
      return ref.substring("urn:uuid:".length());
    }
    int slash = ref.lastIndexOf('/');
    return slash >= 0 ? ref.substring(slash + 1) : ref;
  }

  private static void addAll(List<String> out, JsonNode array) {
    for (JsonNode n : array) {
      if (n.isTextual() && !n.asText().isBlank()) {
        out.add(n.asText().trim());
      }
    }
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? v.asText() : null;
  }
}
