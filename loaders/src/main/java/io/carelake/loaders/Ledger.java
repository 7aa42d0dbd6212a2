package io.carelake.loaders;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a load did with every input record: read = published as an event + merged into an event
 * (a patient into its visits' patient block, a condition into a visit's diagnoses) + skipped with
 * a reason. Unmapped SNOMED codes are also counted per code, so that a missing row in the mapping
 * table shows up in the summary instead of vanishing.
 */
public final class Ledger {

  private static final int MAX_EXAMPLES = 3;
  /** Reasons too common and too expected to list examples of. */
  private static final Set<String> NO_EXAMPLES = Set.of("observation-code-not-of-interest",
      "condition-unmapped-code");

  /** SNOMED code → display text and count of conditions with no ICD-10 mapping. */
  public record Unmapped(String display, long count) {}

  private final Map<String, Long> read = new TreeMap<>();
  private final Map<String, Long> events = new TreeMap<>();
  private final Map<String, Long> merged = new TreeMap<>();
  private final Map<String, Long> skipped = new TreeMap<>();
  private final Map<String, Unmapped> unmappedSnomed = new TreeMap<>();
  private final Map<String, Long> notLoaded = new TreeMap<>();
  private final Map<String, List<String>> examples = new TreeMap<>();

  void read(String kind) {
    read.merge(kind, 1L, Long::sum);
  }

  void event(String kind) {
    events.merge(kind, 1L, Long::sum);
  }

  void merged(String kind) {
    merged.merge(kind, 1L, Long::sum);
  }

  void skipped(String reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  /** A skip with where it happened (file:line, bundle entry); the first few are printed. */
  void skipped(String reason, String where) {
    skipped(reason);
    if (where != null) {
      List<String> list = examples.computeIfAbsent(reason, k -> new ArrayList<>());
      if (list.size() < MAX_EXAMPLES) {
        list.add(where);
      }
    }
  }

  void unmapped(String system, String code, String display) {
    String key = FhirReader.SNOMED.equals(system) ? code : system + "|" + code;
    unmappedSnomed.merge(key, new Unmapped(display == null ? "" : display, 1),
        (a, b) -> new Unmapped(a.display(), a.count() + 1));
  }

  void notLoaded(String resourceType) {
    notLoaded.merge(resourceType, 1L, Long::sum);
  }

  public long recordsRead() {
    return sum(read);
  }

  public long eventsPublished() {
    return sum(events);
  }

  public long recordsMerged() {
    return sum(merged);
  }

  public long recordsSkipped() {
    return sum(skipped);
  }

  /** read = events + merged + skipped: every record is accounted for exactly once. */
  public boolean reconciles() {
    return recordsRead() == eventsPublished() + recordsMerged() + recordsSkipped();
  }

  public Map<String, Long> read() {
    return read;
  }

  public Map<String, Long> events() {
    return events;
  }

  public Map<String, Long> merged() {
    return merged;
  }

  public Map<String, Long> skipped() {
    return skipped;
  }

  public Map<String, Unmapped> unmappedSnomed() {
    return unmappedSnomed;
  }

  public Map<String, Long> notLoaded() {
    return notLoaded;
  }

  /** The summary: one reconciling line, then per-reason and per-code detail. */
  public void print(PrintStream out) {
    out.printf(Locale.ROOT, "load: records read %,d = events %,d %s + merged %,d %s + skipped %,d"
        + " -> %s%n", recordsRead(), eventsPublished(), detail(events), recordsMerged(),
        detail(merged), recordsSkipped(), reconciles() ? "reconciles" : "DOES NOT RECONCILE");
    out.printf(Locale.ROOT, "load: read by kind %s%n", detail(read));
    skipped.forEach((reason, n) -> out.printf(Locale.ROOT, "load: skipped %,8d  %s%s%n", n,
        reason, NO_EXAMPLES.contains(reason) || !examples.containsKey(reason) ? ""
            : "  e.g. " + String.join(", ", examples.get(reason))));
    if (!unmappedSnomed.isEmpty()) {
      out.printf(Locale.ROOT, "load: %,d conditions in %,d SNOMED codes have no ICD-10 mapping"
          + " (kept by name in the visit note; add rows to %s to map them):%n",
          unmappedSnomed.values().stream().mapToLong(Unmapped::count).sum(),
          unmappedSnomed.size(), Mappings.SNOMED_ICD10);
      unmappedSnomed.entrySet().stream()
          .sorted((a, b) -> a.getValue().count() != b.getValue().count()
              ? Long.compare(b.getValue().count(), a.getValue().count())
              : a.getKey().compareTo(b.getKey()))
          .forEach(e -> out.printf(Locale.ROOT, "load:   unmapped %,6d  %s  %s%n",
              e.getValue().count(), e.getKey(), e.getValue().display()));
    }
    if (!notLoaded.isEmpty()) {
      out.printf(Locale.ROOT, "load: resources of other types not read (not counted above): %s%n",
          detail(notLoaded));
    }
  }

  private static String detail(Map<String, Long> m) {
    StringBuilder b = new StringBuilder("(");
    m.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%,d", v)));
    return b.append(')').toString();
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }
}
