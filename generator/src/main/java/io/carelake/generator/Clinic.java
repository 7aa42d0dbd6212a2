package io.carelake.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A community health centre (社区卫生服务中心) and its clinicians. */
record Clinic(String facilityId, String name, District district, List<Clinician> clinicians) {

  /** A clinician; the name appears in notes the way doctors sign them (医师李娜). */
  record Clinician(String id, String name) {}

  static final int CLINICIANS_PER_CLINIC = 4;

  private static final String[] CENTRE_NAMES = {"街道", "社区", "新村", "中心"};

  /** One clinic per district, with ids such as {@code F11010501}, deterministic for a seed. */
  static List<Clinic> forDistricts(List<District> districts, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<Clinic> clinics = new ArrayList<>();
    for (District d : districts) {
      String facilityId = "F" + d.code() + "01";
      List<Clinician> staff = new ArrayList<>();
      for (int i = 1; i <= CLINICIANS_PER_CLINIC; i++) {
        boolean male = random.nextBoolean();
        staff.add(new Clinician(String.format("D%s%02d", facilityId.substring(1), i),
            ChineseNames.fullName(random, male)));
      }
      String area = Streets.NAMES[random.nextInt(Streets.NAMES.length)].replace("路", "")
          .replace("街", "").replace("大道", "");
      clinics.add(new Clinic(facilityId,
          d.name() + area + CENTRE_NAMES[random.nextInt(CENTRE_NAMES.length)] + "社区卫生服务中心",
          d, List.copyOf(staff)));
    }
    return List.copyOf(clinics);
  }
}
