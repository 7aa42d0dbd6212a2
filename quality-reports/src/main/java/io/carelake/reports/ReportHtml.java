package io.carelake.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Renders {@code index.html} from the Pebble template {@value #TEMPLATE} on the classpath. The
 * template receives the {@link Report} itself, so the page shows exactly what {@code report.json}
 * says. Output is HTML-escaped by default: a rule message holding {@code <} cannot break the page.
 *
 * <p>The trend charts are drawn by Chart.js, embedded in the page so that it renders offline: the
 * library's UMD build is read from the {@code org.webjars.npm:chart.js} jar (the npm package,
 * republished on Maven Central, version pinned in the parent POM) and inlined with its licence
 * banner; the numbers it draws are embedded as JSON beside it.
 */
final class ReportHtml {

  static final String TEMPLATE = "carelake/reports/index.peb";
  static final String CHART_JS_POM =
      "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

  private static final PebbleEngine ENGINE = new PebbleEngine.Builder()
      .loader(new ClasspathLoader(ReportHtml.class.getClassLoader()))
      .strictVariables(true)
      .defaultLocale(Locale.ROOT)
      .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The Chart.js version in the classpath's webjar. */
  static final String CHART_JS_VERSION = chartJsVersion();
  private static final String CHART_JS = resource("META-INF/resources/webjars/chart.js/"
      + CHART_JS_VERSION + "/dist/chart.umd.min.js");

  private ReportHtml() {}

  static byte[] render(Report report, String jsonSha256) {
    PebbleTemplate template = ENGINE.getTemplate(TEMPLATE);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("report", report);
    model.put("jsonSha256", jsonSha256);
    model.put("statuses", Scorecard.STATUSES);
    model.put("levels", Privacy.LEVELS);
    model.put("chartJs", CHART_JS);
    model.put("chartJsVersion", CHART_JS_VERSION);
    ModelEvaluation me = report.modelEvaluation();
    List<Map<String, Object>> decision = decisionCurves(me.decisionCurves());
    model.put("decisionGroups", decision);
    model.put("chartData", chartData(report.trends(), me.calibration(),
        smoothedCurves(me.smoothedCalibration()), decision));
    StringWriter out = new StringWriter();
    try {
      template.evaluate(out, model, Locale.ROOT);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render " + TEMPLATE + " for report "
          + report.reportId(), e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The binned calibration curves as the plot reads them: one series of (mean predicted, observed)
   * per iteration, outcome and split, in bin order; bins without a number are left out.
   */
  static List<Map<String, Object>> calibrationCurves(
      List<ModelEvaluation.CalibrationPoint> calibration) {
    Map<String, List<Map<String, Double>>> curves = new java.util.LinkedHashMap<>();
    for (ModelEvaluation.CalibrationPoint p : calibration) {
      if (p.meanPredicted() == null || p.observed() == null) {
        continue;
      }
      String label = p.iterationId() + (p.outcome() == null ? "" : " (" + p.outcome() + ")")
          + " " + p.split();
      curves.computeIfAbsent(label, k -> new ArrayList<>())
          .add(Map.of("x", p.meanPredicted(), "y", p.observed()));
    }
    List<Map<String, Object>> series = new ArrayList<>();
    curves.forEach((label, points) -> series.add(Map.of("label", label, "points", points)));
    return series;
  }

  /** A curve's label in the charts: iteration (outcome) split. */
  private static String curveLabel(String iterationId, String outcome, String split) {
    return iterationId + (outcome == null ? "" : " (" + outcome + ")") + " " + split;
  }

  private static Map<String, Double> xy(Double x, Double y) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("x", x);
    p.put("y", y);
    return p;
  }

  /**
   * The smoothed calibration curves: per iteration, outcome and split the LOWESS points and the
   * two edges of their pointwise interval (drawn as a band); points without a number are left out.
   */
  static List<Map<String, Object>> smoothedCurves(List<ModelEvaluation.CurvePoint> points) {
    Map<String, List<List<Map<String, Double>>>> curves = new LinkedHashMap<>();
    for (ModelEvaluation.CurvePoint p : points) {
      if (p.x() == null || p.y() == null) {
        continue;
      }
      List<List<Map<String, Double>>> c = curves.computeIfAbsent(curveLabel(p.iterationId(),
          p.outcome(), p.split()), k -> List.of(new ArrayList<>(), new ArrayList<>(),
          new ArrayList<>()));
      c.get(0).add(xy(p.x(), p.y()));
      if (p.ciLow() != null && p.ciHigh() != null) {
        c.get(1).add(xy(p.x(), p.ciLow()));
        c.get(2).add(xy(p.x(), p.ciHigh()));
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    curves.forEach((label, c) -> out.add(Map.of("label", label + " smoothed", "points", c.get(0),
        "low", c.get(1), "high", c.get(2))));
    return out;
  }

  /**
   * The decision curves, one chart per iteration, outcome and split: the model's net benefit over
   * the thresholds with its interval, treat all and treat none.
   */
  static List<Map<String, Object>> decisionCurves(List<ModelEvaluation.CurvePoint> points) {
    Map<String, Map<String, List<Map<String, Double>>>> charts = new LinkedHashMap<>();
    for (ModelEvaluation.CurvePoint p : points) {
      if (p.x() == null || p.y() == null) {
        continue;
      }
      Map<String, List<Map<String, Double>>> c = charts.computeIfAbsent(curveLabel(
          p.iterationId(), p.outcome(), p.split()), k -> {
            Map<String, List<Map<String, Double>>> series = new LinkedHashMap<>();
            for (String s : List.of("model", "modelLow", "modelHigh", "treatAll", "treatNone")) {
              series.put(s, new ArrayList<>());
            }
            return series;
          });
      switch (p.curve()) {
        case ModelEvaluation.DECISION_MODEL -> {
          c.get("model").add(xy(p.x(), p.y()));
          if (p.ciLow() != null && p.ciHigh() != null) {
            c.get("modelLow").add(xy(p.x(), p.ciLow()));
            c.get("modelHigh").add(xy(p.x(), p.ciHigh()));
          }
        }
        case ModelEvaluation.DECISION_TREAT_ALL -> c.get("treatAll").add(xy(p.x(), p.y()));
        default -> c.get("treatNone").add(xy(p.x(), p.y()));
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    int i = 0;
    for (var e : charts.entrySet()) {
      Map<String, Object> chart = new LinkedHashMap<>(e.getValue());
      chart.put("label", e.getKey());
      chart.put("canvas", "decision-curve-" + i++);
      out.add(chart);
    }
    return out;
  }

  /** Canvas id of a table's trend chart; the template derives the same from the table name. */
  static String canvasId(String table) {
    return "trend-" + table.replace('.', '-');
  }

  /**
   * The trends as the chart script reads them: per table the interval starts and one series of
   * scores (in %) per dimension; per run the ledger's rows. {@code <} is escaped so that no value
   * can close the script element.
   */
  static String chartData(Trends trends, List<ModelEvaluation.CalibrationPoint> calibration) {
    return chartData(trends, calibration, List.of(), List.of());
  }

  /** As above, with the smoothed calibration curves and the decision curves. */
  static String chartData(Trends trends, List<ModelEvaluation.CalibrationPoint> calibration,
      List<Map<String, Object>> smoothed, List<Map<String, Object>> decision) {
    List<Map<String, Object>> tables = new ArrayList<>();
    List<String> labels = trends.runs().stream().map(Trends.RunPoint::intervalStart).toList();
    for (String table : trends.tables()) {
      List<Map<String, Object>> series = new ArrayList<>();
      for (String dimension : trends.dimensionsOf(table)) {
        List<Double> values = new ArrayList<>();
        for (Trends.RunPoint r : trends.runs()) {
          Trends.ScorePoint p = trends.score(r.governRunId(), table, dimension);
          values.add(p == null || p.score() == null ? null : p.score() * 100);
        }
        series.add(Map.of("dimension", dimension, "values", values));
      }
      tables.add(Map.of("table", table, "canvas", canvasId(table), "labels", labels,
          "series", series));
    }
    Map<String, Object> runs = Map.of("labels", labels,
        "rowsIn", trends.runs().stream().map(Trends.RunPoint::rowsIn).toList(),
        "rowsSetAside", trends.runs().stream().map(Trends.RunPoint::rowsSetAside).toList());
    try {
      return JSON.writeValueAsString(Map.of("tables", tables, "runs", runs, "calibration",
          calibrationCurves(calibration), "smoothed", smoothed, "decision", decision))
          .replace("<", "\\u003c");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the trend data as JSON", e);
    }
  }

  private static String chartJsVersion() {
    Properties p = new Properties();
    try (InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(CHART_JS_POM)) {
      if (in == null) {
        throw new IllegalStateException("Chart.js (org.webjars.npm:chart.js) is missing from the"
            + " classpath: " + CHART_JS_POM + " not found; rebuild quality-reports");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + CHART_JS_POM, e);
    }
    return p.getProperty("version");
  }

  private static String resource(String name) {
    try (InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the Chart.js webjar; rebuild"
            + " quality-reports");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (text.toLowerCase(Locale.ROOT).contains("</script")) {
        throw new IllegalStateException(name + " contains '</script', which would end the"
            + " page's script element; it cannot be inlined as it is");
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name, e);
    }
  }
}
