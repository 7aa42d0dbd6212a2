package io.carelake.governance.spec;

import java.util.Locale;

/**
 * The data-quality dimensions of GB/T 36344-2018 (信息技术 数据质量评价指标): the national standard
 * Chinese health-data programmes report quality against.
 */
public enum QualityDimension {
  /** 规范性: follows the standard, the code system, the format. */
  NORMATIVITY,
  /** 完整性: required values are present. */
  COMPLETENESS,
  /** 准确性: values describe reality (plausible ranges, check digits, units). */
  ACCURACY,
  /** 一致性: values agree with each other and across records (uniqueness, cross-field rules). */
  CONSISTENCY,
  /** 时效性: data arrive and describe the right time. */
  TIMELINESS,
  /** 可访问性: data can be reached by those entitled to. */
  ACCESSIBILITY;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
