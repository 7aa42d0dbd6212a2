package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.reports.ReportFixture.Fixture;
import io.carelake.reports.ReportFixture.Result;
import io.carelake.reports.ReportFixture.Variant;
import io.carelake.spark.JobMain;
import java.io.ByteArrayInputStream;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The report as an auditor opens it: generated from the fixture home by the real job (with
 * {@code --pdf}), then opened from disk in headless Chromium (Debian's package, installed by
 * {@code bin/setup chromium}) over the DevTools protocol, at 1280 px and on a phone.
 *
 * <p>Fails on any console error or warning, uncaught exception, error log entry or failed load,
 * and on any request other than the page itself; checks that every number the page marks with its
 * report.json pointer shows that value, that the charts drew the numbers of the trend tables,
 * that nothing overflows the viewport sideways, and takes a screenshot of each viewport
 * ({@code target/report-browser/*.png}). No Chromium is a failure that says how to install it,
 * unless {@code CARELAKE_QUICK=1}, which skips.
 */
class TestReportInBrowser extends FixtureSession {

  static final Path OUT = Path.of("target", "report-browser");

  /** Chromium, or a failure that says what to do (a skip only when the developer asked for it). */
  static Chromium chromium() {
    try {
      return Chromium.locate(System.getenv("CARELAKE_REPORTS_CHROMIUM"));
    } catch (Chromium.NotFound e) {
      if ("1".equals(System.getenv("CARELAKE_QUICK"))) {
        Assumptions.abort("CARELAKE_QUICK=1: the browser tests are skipped (" + e.getMessage()
            + ")");
      }
      return fail(e.getMessage() + ". The report's browser tests need it; CARELAKE_QUICK=1"
          + " skips them on a developer machine.");
    }
  }

  @Test
  void theReportReadsInARealBrowserAtDesktopAndPhoneWidths() throws Exception {
    Chromium chromium = chromium();
    Fixture f = fixture.build(Variant.CONSISTENT);
    Result result = ReportFixture.runReport(home, "--waivers", f.waivers().toString(), "--pdf");
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(JobMain.EXIT_OK);
    ReportFixture.assertNoPhi(result);

    // the PDF of the same page, hashed in the ledger like the other files
    Path pdf = result.indexHtml().resolveSibling("report.pdf");
    byte[] pdfBytes = Files.readAllBytes(pdf);
    assertThat(new String(pdfBytes, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
    assertThat(pdfBytes.length).isGreaterThan(10_000);
    assertThat(home.resolve("reports/latest/report.pdf")).hasSameBinaryContentAs(pdf);
    assertThat(result.stderr()).contains("printing the page to PDF");

    Files.createDirectories(OUT);
    Path work = Files.createTempDirectory("carelake-browser");
    try (DevTools browser = DevTools.launch(chromium, work)) {
      String url = result.indexHtml().toUri().toString();

      DevTools.Page desktop = browser.open(url, 1280, 900, false);
      assertThat(desktop.eval("document.documentElement.getAttribute('data-charts')").asText())
          .as("the chart script ran to its end").isEqualTo("ready");
      assertReadable(desktop, result.json());
      // at desktop width no table needs its own scroll bar
      assertThat(desktop.eval("Array.from(document.querySelectorAll('.scroll'))"
          + ".filter(e => e.scrollWidth > e.clientWidth + 1)"
          + ".map(e => e.querySelector('table') ? (e.querySelector('table').id"
          + " || e.querySelector('caption')?.textContent) : '?')").toString())
          .as("tables wider than 1280 px").isEqualTo("[]");
      // the scorecard is on the first screen, under the verdict
      assertThat(desktop.eval("document.getElementById('scorecard-dimensions')"
          + ".getBoundingClientRect().top").asDouble()).isLessThan(900);
      assertThat(desktop.eval("document.getElementById('overall').textContent").asText())
          .isEqualTo("FAIL");
      byte[] png = desktop.screenshot();
      Files.write(OUT.resolve("report-1280.png"), png);
      Files.write(OUT.resolve("report-1280-full.png"), desktop.fullPage());
      assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(1280);

      DevTools.Page phone = browser.open(url, 390, 844, true);
      assertReadable(phone, result.json());
      Files.write(OUT.resolve("report-phone.png"), phone.screenshot());

      // every number marked with its report.json pointer shows that value
      JsonNode shown = desktop.eval("Array.from(document.querySelectorAll('[data-json]'))"
          + ".map(e => [e.getAttribute('data-json'), e.getAttribute('data-fmt'),"
          + " e.textContent.trim()])");
      assertThat(shown.size()).as("numbers marked in the page").isGreaterThan(120);
      List<String> mismatches = new ArrayList<>();
      for (JsonNode cell : shown) {
        String pointer = cell.get(0).asText();
        JsonNode value = result.json().at(pointer);
        String expected = format(value, cell.get(1).asText());
        boolean absent = value.isNull() && List.of("—", "n/a").contains(cell.get(2).asText());
        if (!absent && !expected.equals(cell.get(2).asText())) {
          mismatches.add(pointer + ": page shows '" + cell.get(2).asText() + "', report.json "
              + expected);
        }
      }
      assertThat(mismatches).isEmpty();

      assertModelSections(desktop, result.json());

      // the charts drew exactly the trend table's numbers (scores in %)
      JsonNode drawn = desktop.eval("Chart.getChart(document.getElementById('trend-raw-visits'))"
          + ".data.datasets.map(d => ({label: d.label, data: d.data}))");
      JsonNode accuracy = null;
      for (JsonNode d : drawn) {
        if (d.get("label").asText().equals("accuracy")) {
          accuracy = d.get("data");
        }
      }
      assertThat(accuracy).as("an accuracy series for raw.visits").isNotNull();
      List<Double> expected = new ArrayList<>();
      for (JsonNode run : result.json().at("/trends/runs")) {
        Double score = null;
        for (JsonNode p : result.json().at("/trends/scores")) {
          if (p.get("govern_run_id").equals(run.get("govern_run_id"))
              && p.get("table").asText().equals("raw.visits")
              && p.get("dimension").asText().equals("accuracy")) {
            score = p.get("score").asDouble() * 100;
          }
        }
        expected.add(score);
      }
      List<Double> plotted = new ArrayList<>();
      accuracy.forEach(v -> plotted.add(v.isNull() ? null : v.asDouble()));
      assertThat(plotted).containsExactlyElementsOf(expected).contains(90.0, 100.0);
      // and painted something: the canvas is not blank
      assertThat(desktop.eval("(() => { const c = document.getElementById('trend-raw-visits');"
          + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
          + " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;"
          + " })()").asInt()).isGreaterThan(500);

      // no planted identifier in what the browser renders either
      String text = desktop.eval("document.body.innerText").asText();
      for (String phi : ReportFixture.PHI) {
        assertThat(text).doesNotContain(phi);
      }
      assertThat(text).contains("数据唯一性").contains("规范性");
    } finally {
      Chromium.deleteTree(work);
    }
  }

  /**
   * The model half of the page: the lineage of every iteration (a row per link, an unresolved
   * link with its reason, a box per link and the unresolved ones dashed), the smoothed calibration
   * curve and its band in the calibration plot, the decision curves drawn with report.json's
   * numbers, and the registry and language-model tables.
   */
  private static void assertModelSections(DevTools.Page page, JsonNode json) throws Exception {
    int links = 0;
    List<String> reasons = new ArrayList<>();
    for (JsonNode chain : json.at("/model_lineage/iterations")) {
      for (JsonNode l : chain.get("links")) {
        links++;
        if (!l.get("resolved").asBoolean()) {
          reasons.add(l.get("reason").asText());
        }
      }
    }
    assertThat(reasons).as("the fixture has an unresolved link").isNotEmpty();
    assertThat(page.eval("document.querySelectorAll('#model-lineage tr.model-link').length")
        .asInt()).isEqualTo(links);
    JsonNode shownReasons = page.eval("Array.from(document.querySelectorAll("
        + "'#model-lineage tr.unresolved .reason')).map(e => e.textContent.trim())");
    List<String> shown = new ArrayList<>();
    shownReasons.forEach(r -> shown.add(r.asText()));
    assertThat(shown).containsExactlyElementsOf(reasons);
    assertThat(page.eval("document.querySelectorAll('#model-lineage-graph rect').length").asInt())
        .isEqualTo(json.at("/model_lineage/nodes").size());
    assertThat(page.eval("document.querySelectorAll('#model-lineage-graph rect.orphan').length")
        .asInt()).isEqualTo(reasons.size());
    assertThat(page.eval("document.querySelectorAll('#model-lineage-graph path').length")
        .asInt()).isEqualTo(json.at("/model_lineage/edges").size()).isPositive();

    // the calibration plot carries the smoothed curve and its band beside the binned points
    JsonNode calibration = page.eval("Chart.getChart(document.getElementById("
        + "'calibration-plot')).data.datasets.map(d => ({label: d.label, data: d.data,"
        + " fill: d.fill}))");
    assertThat(points(dataset(calibration, "it-1 (hypertension) test smoothed")))
        .containsExactlyElementsOf(curve(json.at("/model_evaluation/smoothed_calibration"), null,
            "y"));
    JsonNode band = dataset(calibration, "it-1 (hypertension) test smoothed interval");
    assertThat(band.get("fill").asText()).isEqualTo("-1");
    assertThat(points(band)).containsExactlyElementsOf(curve(
        json.at("/model_evaluation/smoothed_calibration"), null, "ci_high"));

    // the decision curve: the model, treat all and treat none at report.json's thresholds
    JsonNode decision = page.eval("Chart.getChart(document.getElementById('decision-curve-0'))"
        + ".data.datasets.map(d => ({label: d.label, data: d.data}))");
    JsonNode curves = json.at("/model_evaluation/decision_curves");
    assertThat(points(dataset(decision, "model")))
        .containsExactlyElementsOf(curve(curves, "decision_model", "y")).hasSize(2);
    assertThat(points(dataset(decision, "treat all")))
        .containsExactlyElementsOf(curve(curves, "decision_treat_all", "y"));
    assertThat(points(dataset(decision, "treat none")))
        .containsExactlyElementsOf(curve(curves, "decision_treat_none", "y"));
    assertThat(page.eval("(() => { const c = document.getElementById('decision-curve-0');"
        + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;"
        + " })()").asInt()).as("the decision curve is painted").isGreaterThan(500);

    assertThat(page.eval("document.querySelectorAll('#registry-history tbody tr').length")
        .asInt()).isEqualTo(json.at("/model_registry/history").size());
    assertThat(page.eval("document.querySelectorAll('#lm-results tbody tr').length").asInt())
        .isEqualTo(json.at("/language_models/results").size());
    assertThat(page.eval("document.querySelectorAll('#contamination tbody tr').length").asInt())
        .isEqualTo(json.at("/language_models/contamination").size());
  }

  private static JsonNode dataset(JsonNode datasets, String label) {
    for (JsonNode d : datasets) {
      if (d.get("label").asText().equals(label)) {
        return d;
      }
    }
    throw new AssertionError("no dataset '" + label + "' in " + datasets);
  }

  /** A drawn series as "x,y" strings. */
  private static List<String> points(JsonNode dataset) {
    List<String> out = new ArrayList<>();
    dataset.get("data").forEach(p -> out.add(p.get("x").asDouble() + "," + p.get("y")
        .asDouble()));
    return out;
  }

  /** report.json's points of one curve (all when {@code curve} is null) as "x,value" strings. */
  private static List<String> curve(JsonNode points, String curve, String value) {
    List<String> out = new ArrayList<>();
    points.forEach(p -> {
      if (curve == null || p.get("curve").asText().equals(curve)) {
        out.add(p.get("x").asDouble() + "," + p.get(value).asDouble());
      }
    });
    return out;
  }

  /** No console error, failed load or foreign request; nothing wider than the viewport. */
  private static void assertReadable(DevTools.Page page, JsonNode json) throws Exception {
    // events arrive asynchronously: give late ones a moment to land
    Thread.sleep(300);
    assertThat(page.problems()).as("console errors, exceptions, failed loads").isEmpty();
    assertThat(page.requests()).as("the page loads nothing but itself").allMatch(u ->
        u.startsWith("file:") && u.endsWith("/index.html"));
    JsonNode widths = page.eval("({inner: window.innerWidth,"
        + " doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        + " main: document.querySelector('main').getBoundingClientRect().right})");
    int inner = widths.get("inner").asInt();
    assertThat(widths.get("doc").asInt()).as("page width at %d px", inner).isLessThanOrEqualTo(inner);
    assertThat(widths.get("body").asInt()).isLessThanOrEqualTo(inner);
    assertThat(widths.get("main").asDouble()).isLessThanOrEqualTo(inner);
    assertThat(page.eval("document.title").asText()).contains(json.at("/interval/start").asText());
  }

  /** A report.json value as the template formats it (Pebble's numberformat, Locale.ROOT). */
  static String format(JsonNode value, String fmt) {
    if (value.isMissingNode()) {
      throw new AssertionError("the page marks a pointer report.json does not have");
    }
    if (value.isNull()) {
      return fmt.equals("pct") || fmt.equals("dec4") || fmt.equals("int") ? "—" : "";
    }
    return switch (fmt) {
      case "int" -> decimal("#,##0").format(value.asLong());
      case "pct" -> decimal("0.00").format(value.asDouble() * 100) + " %";
      case "dec4" -> decimal("0.0000").format(value.asDouble());
      case "label" -> value.asText().replace('_', ' ');
      default -> throw new AssertionError("unknown data-fmt " + fmt);
    };
  }

  private static DecimalFormat decimal(String pattern) {
    DecimalFormat f = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
    f.setRoundingMode(RoundingMode.HALF_EVEN);
    return f;
  }
}
