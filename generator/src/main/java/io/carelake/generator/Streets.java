package io.carelake.generator;

import java.util.SplittableRandom;

/** Home addresses: district, street, house number and, in most cases, building, unit and flat. */
final class Streets {

  static final String[] NAMES = {
      "人民路", "解放路", "中山路", "建设路", "和平路", "胜利街", "文化路", "新华路", "长江路",
      "黄河路", "朝阳路", "光明街", "幸福路", "青年路", "育才路", "工农路", "团结街", "东风路",
      "民主路", "五一路", "建国路", "复兴路", "友谊路", "迎宾大道", "花园街", "滨江路", "北京路",
      "南京路", "延安路", "学府路"};

  private Streets() {}

  static String address(District district, SplittableRandom random) {
    StringBuilder sb = new StringBuilder(48);
    sb.append(district.fullName())
        .append(NAMES[random.nextInt(NAMES.length)])
        .append(1 + random.nextInt(300)).append('号');
    if (random.nextInt(10) < 8) {
      sb.append(1 + random.nextInt(30)).append('栋')
          .append(1 + random.nextInt(4)).append("单元")
          .append(1 + random.nextInt(28)).append(String.format("%02d", 1 + random.nextInt(4)))
          .append('室');
    }
    return sb.toString();
  }
}
