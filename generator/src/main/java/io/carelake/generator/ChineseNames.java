package io.carelake.generator;

import java.util.SplittableRandom;

/**
 * Chinese personal names: a surname drawn from the most common surnames (weighted so that 王, 李,
 * 张, 刘 and 陈 dominate, as they do in the population) and a one- or two-character given name from
 * characters typical of each sex.
 */
final class ChineseNames {

  // Ordered by frequency (national surname rankings); the weight of rank r is 1 / (r + 3).
  private static final String[] SURNAMES = {
      "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
      "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
      "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
      "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
      "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
      "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
      "莫", "孔", "向", "汤", "欧阳", "司马", "上官", "诸葛"};
  private static final double[] CUMULATIVE = cumulativeWeights(SURNAMES.length);

  private static final String[] MALE_CHARS = {
      "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫",
      "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "建", "国", "志",
      "文", "东", "海", "峰", "成", "松", "德", "福", "荣", "新", "春", "庆", "永", "长", "振", "家"};
  private static final String[] FEMALE_CHARS = {
      "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "华", "玲", "桂", "兰", "萍", "红",
      "梅", "琳", "燕", "婷", "雪", "慧", "颖", "倩", "洁", "晶", "欣", "怡", "佳", "丹", "蕾", "琴",
      "云", "莉", "凤", "珍", "淑", "翠", "月", "琼", "美", "金", "玉", "秋", "爱", "春", "小", "小"};

  private ChineseNames() {}

  static String surname(SplittableRandom random) {
    double u = random.nextDouble() * CUMULATIVE[CUMULATIVE.length - 1];
    for (int i = 0; i < CUMULATIVE.length; i++) {
      if (u < CUMULATIVE[i]) {
        return SURNAMES[i];
      }
    }
    return SURNAMES[SURNAMES.length - 1];
  }

  static String givenName(SplittableRandom random, boolean male) {
    String[] chars = male ? MALE_CHARS : FEMALE_CHARS;
    String first = chars[random.nextInt(chars.length)];
    // about a third of given names have one character (张伟), the rest two (张建国)
    if (random.nextInt(3) == 0) {
      return "小".equals(first) ? chars[random.nextInt(chars.length - 2)] : first;
    }
    return first + chars[random.nextInt(chars.length - 2)];
  }

  static String fullName(SplittableRandom random, boolean male) {
    return surname(random) + givenName(random, male);
  }

  private static double[] cumulativeWeights(int n) {
    double[] c = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / (i + 3);
      c[i] = sum;
    }
    return c;
  }
}
