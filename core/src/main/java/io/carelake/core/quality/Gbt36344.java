package io.carelake.core.quality;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The data-quality dimensions of GB/T 36344-2018 (信息技术 数据质量评价指标) and the indicators of
 * each, by which every governance rule is mapped and every auditor report is scored. An indicator
 * is scored as {@code X = A / B}: the elements that meet the requirement over the elements
 * evaluated (a duplicate or dirty-data rate counts the failures instead).
 *
 * <p>Shared vocabulary: governance specs name a dimension and an indicator with the codes below
 * (the spec schema lists the same pairs), and the report scores them. Codes are lower-case,
 * snake_case English; the Chinese names are the standard's.
 */
public final class Gbt36344 {

  private Gbt36344() {}

  /** The six dimensions, in the standard's order. */
  public enum Dimension {
    NORMATIVITY("规范性", "conformity (normativity)"),
    COMPLETENESS("完整性", "completeness"),
    ACCURACY("准确性", "accuracy"),
    CONSISTENCY("一致性", "consistency"),
    TIMELINESS("时效性", "timeliness"),
    ACCESSIBILITY("可访问性", "accessibility");

    private final String zh;
    private final String en;

    Dimension(String zh, String en) {
      this.zh = zh;
      this.en = en;
    }

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public String zh() {
      return zh;
    }

    public String en() {
      return en;
    }

    /** The dimension with this code, if any. */
    public static Optional<Dimension> of(String code) {
      return Arrays.stream(values()).filter(d -> d.code().equals(code)).findFirst();
    }

    public List<Indicator> indicators() {
      return Arrays.stream(Indicator.values()).filter(i -> i.dimension() == this).toList();
    }
  }

  /** The indicators of each dimension; codes are unique across dimensions. */
  public enum Indicator {
    DATA_STANDARD(Dimension.NORMATIVITY, "数据标准", "data standards"),
    DATA_MODEL(Dimension.NORMATIVITY, "数据模型", "data model"),
    METADATA(Dimension.NORMATIVITY, "元数据", "metadata"),
    BUSINESS_RULE(Dimension.NORMATIVITY, "业务规则", "business rules"),
    AUTHORITATIVE_REFERENCE(Dimension.NORMATIVITY, "权威参考数据", "authoritative reference data"),
    SECURITY(Dimension.NORMATIVITY, "安全规范", "security rules"),
    ELEMENT(Dimension.COMPLETENESS, "数据元素完整性", "data element completeness"),
    RECORD(Dimension.COMPLETENESS, "数据记录完整性", "data record completeness"),
    CONTENT_CORRECTNESS(Dimension.ACCURACY, "数据内容正确性", "content correctness"),
    FORMAT_COMPLIANCE(Dimension.ACCURACY, "数据格式合规性", "format compliance"),
    DUPLICATE_RATE(Dimension.ACCURACY, "数据重复率", "duplicate rate"),
    UNIQUENESS(Dimension.ACCURACY, "数据唯一性", "uniqueness"),
    DIRTY_DATA_RATE(Dimension.ACCURACY, "脏数据出现率", "dirty-data rate"),
    SAME_DATA(Dimension.CONSISTENCY, "相同数据一致性", "same data consistency"),
    RELATED_DATA(Dimension.CONSISTENCY, "关联数据一致性", "related data consistency"),
    PERIOD_CORRECTNESS(Dimension.TIMELINESS, "基于时间段的正确性", "correct for a period"),
    POINT_TIMELINESS(Dimension.TIMELINESS, "基于时间点的及时性", "timely at a point in time"),
    SEQUENCE(Dimension.TIMELINESS, "时序性", "sequence"),
    ACCESSIBLE(Dimension.ACCESSIBILITY, "可访问", "accessible"),
    USABLE(Dimension.ACCESSIBILITY, "可用性", "usable");

    private final Dimension dimension;
    private final String zh;
    private final String en;

    Indicator(Dimension dimension, String zh, String en) {
      this.dimension = dimension;
      this.zh = zh;
      this.en = en;
    }

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public Dimension dimension() {
      return dimension;
    }

    public String zh() {
      return zh;
    }

    public String en() {
      return en;
    }

    /** The indicator with this code, if any (codes are unique across dimensions). */
    public static Optional<Indicator> of(String code) {
      return Arrays.stream(values()).filter(i -> i.code().equals(code)).findFirst();
    }
  }

  /**
   * Kahn et al. (2016) harmonised categories, as the OHDSI Data Quality Dashboard reports checks:
   * does a value follow the format and vocabulary, is it there, is it believable.
   */
  public enum Kahn {
    CONFORMANCE("value, relational and computational conformance"),
    COMPLETENESS("values present"),
    PLAUSIBILITY("atemporal, temporal and uniqueness plausibility");

    private final String covers;

    Kahn(String covers) {
      this.covers = covers;
    }

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public String covers() {
      return covers;
    }

    public static Optional<Kahn> of(String code) {
      return Arrays.stream(values()).filter(k -> k.code().equals(code)).findFirst();
    }
  }
}
