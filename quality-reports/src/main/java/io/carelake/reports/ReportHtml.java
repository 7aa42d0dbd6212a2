package io.carelake.reports;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code index.html} from the Pebble template {@value #TEMPLATE} on the classpath. The
 * template receives the {@link Report} itself, so the page shows exactly what {@code report.json}
 * says. Output is HTML-escaped by default: a rule message holding {@code <} cannot break the page.
 */
final class ReportHtml {

  static final String TEMPLATE = "carelake/reports/index.peb";

  private static final PebbleEngine ENGINE = new PebbleEngine.Builder()
      .loader(new ClasspathLoader(ReportHtml.class.getClassLoader()))
      .strictVariables(true)
      .defaultLocale(Locale.ROOT)
      .build();

  private ReportHtml() {}

  static byte[] render(Report report) {
    PebbleTemplate template = ENGINE.getTemplate(TEMPLATE);
    StringWriter out = new StringWriter();
    try {
      template.evaluate(out, Map.of("report", report), Locale.ROOT);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render " + TEMPLATE + " for report "
          + report.reportId(), e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
