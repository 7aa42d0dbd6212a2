package io.carelake.features.cohort;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Drug names as prescriptions write them, mapped to WHO ATC codes by a table kept as data
 * ({@value #RESOURCE}, with its source). A drug text matches the longest table name it starts with
 * (lower-cased, spaces removed); a text that is itself an ATC code is taken as it is. Serializable:
 * Spark ships it to the executors inside a UDF.
 */
public final class DrugAtc implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String RESOURCE = "carelake/cohorts/codes/drug-atc.tsv";
  static final Pattern ATC = Pattern.compile("[A-Z][0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?");

  /** One table row. */
  record Entry(String name, String atc) implements Serializable {}

  private final List<Entry> entries;
  private final byte[] bytes;

  private DrugAtc(List<Entry> entries, byte[] bytes) {
    this.entries = entries;
    this.bytes = bytes;
  }

  /** The shipped table. */
  public static DrugAtc builtIn() {
    try (InputStream in = DrugAtc.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + RESOURCE + " is missing from the jar");
      }
      return parse(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  static DrugAtc parse(byte[] bytes) {
    List<Entry> entries = new ArrayList<>();
    int n = 0;
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      n++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] cols = t.split("\t");
      if (cols.length < 2 || !ATC.matcher(cols[1]).matches()) {
        throw new IllegalStateException(RESOURCE + ":" + n + ": expected 'name<TAB>ATC code', got '"
            + t + "'");
      }
      entries.add(new Entry(key(cols[0]), cols[1]));
    }
    entries.sort(Comparator.comparingInt((Entry e) -> -e.name().length())
        .thenComparing(Entry::name));
    return new DrugAtc(List.copyOf(entries), bytes);
  }

  /** The table's bytes, hashed into the cohort definition's identity. */
  byte[] bytes() {
    return bytes.clone();
  }

  /** The ATC code of a prescribed drug, or null when the table does not know it. */
  public String atcOf(String drug) {
    if (drug == null) {
      return null;
    }
    String code = drug.strip().toUpperCase(Locale.ROOT);
    if (ATC.matcher(code).matches()) {
      return code;
    }
    String k = key(drug);
    for (Entry e : entries) {
      if (k.startsWith(e.name())) {
        return e.atc();
      }
    }
    return null;
  }

  private static String key(String s) {
    return s.replaceAll("\\s", "").toLowerCase(Locale.ROOT);
  }
}
