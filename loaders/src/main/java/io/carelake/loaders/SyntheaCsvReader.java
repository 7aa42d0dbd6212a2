package io.carelake.loaders;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a Synthea CSV export directory ({@code patients.csv}, {@code encounters.csv},
 * {@code observations.csv}, {@code conditions.csv}; Synthea 3.x column names) with Jackson's CSV
 * parser (RFC 4180 quoting, as Synthea writes descriptions with commas). Columns are found by
 * header name, so extra or reordered columns do not matter; a missing required column is an error
 * naming the file and the columns found.
 */
final class SyntheaCsvReader {

  static final String PATIENTS = "patients.csv";
  static final String ENCOUNTERS = "encounters.csv";
  static final String OBSERVATIONS = "observations.csv";
  static final String CONDITIONS = "conditions.csv";

  private final CsvMapper csv = new CsvMapper();
  private final Mappings mappings;

  SyntheaCsvReader(Mappings mappings) {
    this.mappings = mappings;
    csv.enable(CsvParser.Feature.WRAP_AS_ARRAY);
  }

  /** The export directory: PATH itself, or PATH/csv when Synthea's output root is given. */
  static Path exportDir(Path path) throws IOException {
    if (Files.isRegularFile(path.resolve(PATIENTS))) {
      return path;
    }
    if (Files.isRegularFile(path.resolve("csv").resolve(PATIENTS))) {
      return path.resolve("csv");
    }
    throw new IOException(path + " is not a Synthea CSV export: no " + PATIENTS
        + " in it (nor in " + path.resolve("csv") + "); generate one with Synthea's"
        + " exporter.csv.export=true");
  }

  void read(Path path, Source.Records out) throws IOException {
    Path dir = exportDir(path);
    rows(dir.resolve(PATIENTS), true, row -> out.patient(new Source.Patient(
        row.opt("Id"),
        name(row.opt("PREFIX"), row.opt("FIRST"), row.opt("MIDDLE"), row.opt("LAST"),
            row.opt("SUFFIX")),
        Sexes.fromCsv(row.opt("GENDER")),
        row.opt("BIRTHDATE"),
        row.opt("PHONE"),
        Addresses.format(row.opt("ADDRESS"), row.opt("CITY"),
            mappings.stateCode(row.opt("STATE")), row.opt("ZIP")),
        row.opt("SSN"), row.opt("PASSPORT"), row.opt("DRIVERS"))));
    rows(dir.resolve(ENCOUNTERS), true, row -> {
      Instant start;
      Instant end;
      try {
        start = SourceTimes.parse(row.opt("START"));
        end = SourceTimes.parse(row.opt("STOP"));
      } catch (DateTimeParseException e) {
        out.unreadable("encounter", "encounter-bad-time", row.where());
        return;
      }
      if (start == null || row.opt("PATIENT") == null) {
        out.unreadable("encounter", start == null ? "encounter-no-start"
            : "encounter-no-patient", row.where());
        return;
      }
      out.encounter(new Source.Encounter(row.opt("Id"), row.opt("PATIENT"), start, end,
          row.opt("ORGANIZATION"), row.opt("ENCOUNTERCLASS"), row.opt("DESCRIPTION"),
          row.opt("REASONCODE"), row.opt("REASONDESCRIPTION"), row.where()));
    });
    rows(dir.resolve(OBSERVATIONS), true, row -> {
      Instant time;
      try {
        time = SourceTimes.parse(row.opt("DATE"));
      } catch (DateTimeParseException e) {
        time = null;
      }
      if (time == null) {
        out.unreadable("observation", "observation-no-time", row.where());
        return;
      }
      if (row.opt("PATIENT") == null) {
        out.unreadable("observation", "observation-no-patient", row.where());
        return;
      }
      String type = row.opt("TYPE");
      String value = type == null || "numeric".equals(type.toLowerCase(Locale.ROOT))
          ? row.opt("VALUE") : null;
      out.observation(new Source.Observation(row.opt("PATIENT"), row.opt("ENCOUNTER"), time,
          row.opt("CODE"), value, row.opt("UNITS"), row.where(), null));
    });
    rows(dir.resolve(CONDITIONS), true, row -> {
      Instant onset;
      try {
        onset = SourceTimes.parse(row.opt("START"));
      } catch (DateTimeParseException e) {
        onset = null;
      }
      if (row.opt("PATIENT") == null || row.opt("CODE") == null) {
        out.unreadable("condition", row.opt("PATIENT") == null ? "condition-no-patient"
            : "condition-no-code", row.where());
        return;
      }
      // Synthea < 3.1 has no SYSTEM column: its condition codes are SNOMED CT
      String system = row.opt("SYSTEM") != null ? row.opt("SYSTEM") : FhirReader.SNOMED;
      out.condition(new Source.Condition(row.opt("PATIENT"), row.opt("ENCOUNTER"), onset,
          system, row.opt("CODE"), row.opt("DESCRIPTION"), row.where()));
    });
  }

  static String name(String... parts) {
    List<String> out = new ArrayList<>();
    for (String p : parts) {
      if (p != null && !p.isBlank()) {
        out.add(p.trim());
      }
    }
    return out.isEmpty() ? null : String.join(" ", out);
  }

  /** One CSV row with its header, for lookups by column name. */
  static final class Row {
    private final Map<String, Integer> header;
    private final String[] values;
    private final String file;
    private final long line;

    Row(Map<String, Integer> header, String[] values, String file, long line) {
      this.header = header;
      this.values = values;
      this.file = file;
      this.line = line;
    }

    String opt(String column) {
      Integer i = header.get(column.toUpperCase(Locale.ROOT));
      if (i == null || i >= values.length) {
        return null;
      }
      String v = values[i];
      return v == null || v.isBlank() ? null : v.trim();
    }

    String where() {
      return file + ":" + line;
    }
  }

  private void rows(Path file, boolean required, Consumer<Row> each) throws IOException {
    if (!Files.isRegularFile(file)) {
      if (required) {
        throw new IOException("Synthea CSV export " + file.getParent() + " has no "
            + file.getFileName() + "; export with exporter.csv.export=true and do not list it"
            + " in exporter.csv.excluded_files");
      }
      return;
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MappingIterator<String[]> it = csv.readerFor(String[].class).readValues(r)) {
      if (!it.hasNext()) {
        throw new IOException(file + ": empty file, expected a header row");
      }
      String[] names = it.next();
      Map<String, Integer> header = new HashMap<>();
      for (int i = 0; i < names.length; i++) {
        header.put(names[i].trim().toUpperCase(Locale.ROOT), i);
      }
      for (String col : requiredColumns(file.getFileName().toString())) {
        if (!header.containsKey(col)) {
          // the first line is not quoted: without its header row it is a patient's row
          throw new IOException(file + ":1: missing column " + col + " (the first line has "
              + names.length + " fields; its values are not shown, since a file without its"
              + " header row starts with patient data); is this a Synthea 3.x CSV export with"
              + " its header row?");
        }
      }
      String name = file.getFileName().toString();
      long line = 1; // the header; a quoted field spanning lines would shift this count
      while (it.hasNext()) {
        String[] values = it.next();
        line++;
        if (values.length == 1 && (values[0] == null || values[0].isBlank())) {
          continue;
        }
        each.accept(new Row(header, values, name, line));
      }
    }
  }

  private static List<String> requiredColumns(String file) {
    return switch (file) {
      case PATIENTS -> List.of("ID", "BIRTHDATE", "GENDER");
      case ENCOUNTERS -> List.of("ID", "START", "PATIENT", "ORGANIZATION", "ENCOUNTERCLASS");
      case OBSERVATIONS -> List.of("DATE", "PATIENT", "ENCOUNTER", "CODE", "VALUE", "UNITS");
      case CONDITIONS -> List.of("START", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION");
      default -> List.of();
    };
  }
}
