package io.carelake.governance;

import io.carelake.core.config.SmallFiles;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.governance.rules.CompiledSpec;
import io.carelake.governance.rules.RuleCompilers;
import io.carelake.governance.spec.Spec;
import io.carelake.governance.spec.SpecException;
import io.carelake.governance.spec.SpecLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The specs one govern run applies: one per governed table, parsed, validated and compiled before
 * any data is read, with the hash the run records.
 *
 * @param hash SHA-256 of the spec files' bytes concatenated in table order (raw.visits, then
 *     raw.vitals): {@code cat visits.yaml vitals.yaml | sha256sum} reproduces it
 */
public record GovernanceSpecs(Map<TableName, CompiledSpec> byTable, String hash) {

  /** The tables govern checks, in the order it checks them. */
  public static final List<TableName> GOVERNED = List.of(Tables.RAW_VISITS, Tables.RAW_VITALS);

  static final String BUILT_IN_DIR = "carelake/specs/";
  static final List<String> BUILT_IN = List.of("visits.yaml", "vitals.yaml");

  public GovernanceSpecs {
    byTable = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byTable));
  }

  public CompiledSpec forTable(TableName table) {
    return byTable.get(table);
  }

  /** The specs shipped in this jar ({@code carelake/specs/*.yaml}). */
  public static GovernanceSpecs builtIn() throws SpecException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : BUILT_IN) {
      String resource = BUILT_IN_DIR + name;
      try (InputStream in = GovernanceSpecs.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new SpecException("classpath:" + resource, 0, null,
              "built-in spec missing from the jar; rebuild governance-rules or pass --spec-dir");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        files.put("classpath:" + resource, buf.toByteArray());
      } catch (IOException e) {
        throw new SpecException("classpath:" + resource, 0, null, "cannot read: " + e.getMessage(), e);
      }
    }
    return of(files);
  }

  /** Every {@code *.yaml} / {@code *.yml} in {@code dir}: exactly one spec per governed table. */
  public static GovernanceSpecs fromDir(Path dir) throws SpecException {
    if (!Files.isDirectory(dir)) {
      throw new SpecException(dir.toString(), 0, null,
          "--spec-dir is not a directory; pass a directory holding one YAML spec per table");
    }
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.filter(GovernanceSpecs::isYaml).sorted().toList()) {
        files.put(p.toString(), SmallFiles.read(p, "governance spec"));
      }
    } catch (IOException e) {
      throw new SpecException(dir.toString(), 0, null, "cannot read the spec directory: "
          + e.getMessage(), e);
    }
    return of(files);
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
  }

  /** Parses and compiles spec files given as name → bytes. */
  static GovernanceSpecs of(Map<String, byte[]> files) throws SpecException {
    SpecLoader loader = new SpecLoader(RuleCompilers.types());
    Map<TableName, Spec> specs = new LinkedHashMap<>();
    Map<TableName, byte[]> bytes = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Spec spec = loader.parse(f.getKey(), f.getValue());
      TableName table = spec.header().table();
      if (!GOVERNED.contains(table)) {
        throw new SpecException(f.getKey(), 0, null, "spec governs " + table + ", but govern checks "
            + GOVERNED + "; fix spec.table or move the file out of the spec directory");
      }
      Spec other = specs.putIfAbsent(table, spec);
      if (other != null) {
        throw new SpecException(f.getKey(), 0, null, "a second spec for " + table + " (the first is "
            + other.source() + "); keep one spec per table");
      }
      bytes.put(table, f.getValue());
    }
    // rule ids key the run's counts and the check results: unique across all specs of a run
    Map<String, io.carelake.governance.spec.RuleSpec> ids = new LinkedHashMap<>();
    for (Spec spec : specs.values()) {
      for (io.carelake.governance.spec.RuleSpec rule : spec.rules()) {
        io.carelake.governance.spec.RuleSpec first = ids.putIfAbsent(rule.id(), rule);
        if (first != null) {
          throw rule.error("rule id is also used in " + first.source() + ":" + first.line()
              + "; rule ids must be unique across the specs of a run (prefix them with the table,"
              + " e.g. visits-... and vitals-...)");
        }
      }
    }
    Map<TableName, CompiledSpec> compiled = new LinkedHashMap<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<TableName> missing = new ArrayList<>();
    for (TableName table : GOVERNED) {
      Spec spec = specs.get(table);
      if (spec == null) {
        missing.add(table);
        continue;
      }
      compiled.put(table, RuleCompilers.compile(spec));
      all.writeBytes(bytes.get(table));
    }
    if (!missing.isEmpty()) {
      throw new SpecException(String.join(", ", files.keySet()), 0, null, "no spec for " + missing
          + "; add a YAML spec with spec.table set to each of them");
    }
    return new GovernanceSpecs(compiled, SpecLoader.sha256(all.toByteArray()));
  }
}
