package io.carelake.generator;

import java.util.List;

/**
 * A real county-level district with its GB/T 2260 administrative division code, the first six
 * digits of the resident ids of people registered there.
 *
 * @param province the province or, for the four municipalities, the municipality
 * @param city the prefecture-level city, equal to {@code province} for municipalities
 */
record District(String code, String province, String city, String name) {

  /** Thirty districts across China; each gets one community health centre. */
  static final List<District> ALL = List.of(
      new District("110101", "北京市", "北京市", "东城区"),
      new District("110102", "北京市", "北京市", "西城区"),
      new District("110105", "北京市", "北京市", "朝阳区"),
      new District("110106", "北京市", "北京市", "丰台区"),
      new District("110108", "北京市", "北京市", "海淀区"),
      new District("120101", "天津市", "天津市", "和平区"),
      new District("120104", "天津市", "天津市", "南开区"),
      new District("310101", "上海市", "上海市", "黄浦区"),
      new District("310104", "上海市", "上海市", "徐汇区"),
      new District("310105", "上海市", "上海市", "长宁区"),
      new District("310115", "上海市", "上海市", "浦东新区"),
      new District("500103", "重庆市", "重庆市", "渝中区"),
      new District("210102", "辽宁省", "沈阳市", "和平区"),
      new District("320102", "江苏省", "南京市", "玄武区"),
      new District("320106", "江苏省", "南京市", "鼓楼区"),
      new District("320508", "江苏省", "苏州市", "姑苏区"),
      new District("330102", "浙江省", "杭州市", "上城区"),
      new District("330106", "浙江省", "杭州市", "西湖区"),
      new District("370102", "山东省", "济南市", "历下区"),
      new District("370202", "山东省", "青岛市", "市南区"),
      new District("420102", "湖北省", "武汉市", "江岸区"),
      new District("420106", "湖北省", "武汉市", "武昌区"),
      new District("430102", "湖南省", "长沙市", "芙蓉区"),
      new District("440103", "广东省", "广州市", "荔湾区"),
      new District("440106", "广东省", "广州市", "天河区"),
      new District("440304", "广东省", "深圳市", "福田区"),
      new District("440305", "广东省", "深圳市", "南山区"),
      new District("510104", "四川省", "成都市", "锦江区"),
      new District("510107", "四川省", "成都市", "武侯区"),
      new District("610113", "陕西省", "西安市", "雁塔区"));

  /** 北京市朝阳区 for municipalities, 广东省广州市天河区 for provinces. */
  String fullName() {
    return province.equals(city) ? city + name : province + city + name;
  }
}
