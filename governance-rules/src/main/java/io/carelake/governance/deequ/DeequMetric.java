package io.carelake.governance.deequ;

/**
 * One metric Deequ computed during a verification, flattened to a double (Deequ's own
 * {@code Metric.flatten}): what {@code governance.metrics} keeps of every run.
 *
 * @param entity {@code Dataset}, {@code Column} or {@code Multicolumn}
 * @param instance the column(s) or rule the metric is about ({@code *} for the dataset)
 * @param name the analyzer, e.g. {@code Size}, {@code Compliance}, {@code Uniqueness}
 * @param value the value; null when the metric could not be computed
 */
public record DeequMetric(String entity, String instance, String name, Double value) {}
