#include <twin/datagen/coco.h>

#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include <twin/datagen/atomic_file.h>
#include <twin/datagen/manifest.h>
#include <twin/render/image_io.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/sim/site_world.h>

#include "error_message.h"
#include "python_cv.h"
#include "render_support.h"

using namespace twin::datagen;
using twin::testing::TempDir;

namespace {

// The truth: a COCO RLE decoder written from the format definition (pycocotools' maskApi.c:
// rleFrString and rleDecode), never pycocotools itself. For every annotation in argv[2] (a JSON
// list) it decodes the mask, column-major, and compares it with (instance == instance_id) in the
// 16-bit PNG argv[1]; it checks bbox, area and that every pixel of the mask has the category in
// the semantic PNG argv[3]. Prints "ok <annotations> <pixels>" or the first difference.
const char* kCheckRle = R"(
import sys, json, cv2, numpy as np

def counts_from_string(s):
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1f) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts

def decode(rle):
    h, w = rle['size']
    flat = np.zeros(h * w, np.uint8)
    p, value = 0, 0
    for n in counts_from_string(rle['counts']):
        assert n >= 0, 'negative run'
        flat[p:p + n] = value
        p += n
        value = 1 - value
    assert p == h * w, 'runs cover %d of %d pixels' % (p, h * w)
    return flat.reshape((h, w), order='F')

instance = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
semantic = cv2.imread(sys.argv[3], cv2.IMREAD_UNCHANGED)
annotations = json.load(open(sys.argv[2]))
ids = sorted(int(i) for i in np.unique(instance) if i != 0)
assert [a['instance_id'] for a in annotations] == ids, 'ids differ'
pixels = 0
for a in annotations:
    mask = decode(a['segmentation'])
    truth = instance == a['instance_id']
    if not np.array_equal(mask.astype(bool), truth):
        print('mask of', a['instance_id'], 'differs at', np.argwhere(mask.astype(bool) != truth)[:3])
        sys.exit(0)
    ys, xs = np.nonzero(truth)
    box = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]
    assert a['bbox'] == box, (a['instance_id'], a['bbox'], box)
    assert a['area'] == int(truth.sum()), (a['instance_id'], a['area'])
    assert set(np.unique(semantic[truth]).tolist()) == {a['category_id']}, a['instance_id']
    assert a['id'] == a['image_id'] * 65536 + a['instance_id']
    assert a['iscrowd'] == 0
    pixels += int(truth.sum())
print('ok', len(annotations), pixels)
)";

twin::render::Image Gray16(const std::vector<uint16_t>& values, int width, int height) {
  return {width, height, 1, 16, {}, values};
}

// Writes the images and annotations and runs the Python check; returns its verdict.
std::string CheckWithPython(const TempDir& dir, const std::vector<uint16_t>& instance,
                            const std::vector<uint16_t>& semantic, int width, int height,
                            const std::vector<CocoAnnotation>& annotations) {
  twin::render::WritePng(dir / "instance.png", Gray16(instance, width, height));
  twin::render::WritePng(dir / "semantic.png", Gray16(semantic, width, height));
  nlohmann::json list = nlohmann::json::array();
  for (const CocoAnnotation& a : annotations) list.push_back(CocoAnnotationJson(a));
  WriteTextAtomic(dir / "annotations.json", DatasetJsonText(list));
  return twin::testing::RunPython(
      kCheckRle, {dir / "instance.png", dir / "annotations.json", dir / "semantic.png"});
}

}  // namespace

TEST_CASE("RLE of hand-made masks: runs column-major from the 0-run, pycocotools' string",
          "[datagen][coco]") {
  // 3 wide, 2 high:  0 1 1 / 0 1 0  -> columns 00 11 10 -> runs 2 3 1.
  const uint8_t small[] = {0, 1, 1, 0, 1, 0};
  CocoRle rle = EncodeRle(small, 3, 2);
  CHECK(rle.width == 3);
  CHECK(rle.height == 2);
  CHECK(rle.counts == "231");
  // Starting inside: an empty 0-run first. 2x2 "1 1 / 0 1" -> columns 10 11 -> runs 0 1 1 2,
  // and the fourth is stored as 2 - 1.
  const uint8_t starts_in[] = {1, 1, 0, 1};
  CHECK(EncodeRle(starts_in, 2, 2).counts == "0111");
  // One column of 148: 5 out, 100 in, 3 out, 40 in -> counts 5 100 3 40. Worked by hand from
  // rleToString: 5 -> '5'; 100 = 4 + 3*32 -> 'T' '3'; 3 -> '3'; 40 - 100 = -60 -> 'T' 'N'.
  std::vector<uint8_t> column(148, 1);
  std::fill(column.begin(), column.begin() + 5, 0);
  std::fill(column.begin() + 105, column.begin() + 108, 0);
  CHECK(EncodeRle(column.data(), 1, 148).counts == "5T33TN");
  CHECK(CompressRleCounts({5, 100, 3, 40}) == "5T33TN");
  const std::vector<uint8_t> empty(12, 0);
  CHECK(EncodeRle(empty.data(), 4, 3).counts == CompressRleCounts({12}));
}

TEST_CASE("AnnotateFrame of a hand-made instance image, ids at the corners", "[datagen][coco]") {
  const int w = 9, h = 7;
  std::vector<uint16_t> instance(w * h, 0), semantic(w * h, 0);
  auto set = [&](int x, int y, uint16_t id, uint16_t cls) {
    instance[y * w + x] = id;
    semantic[y * w + x] = cls;
  };
  set(0, 0, 3, 1);                                  // top-left pixel alone
  for (int y = 2; y < 6; ++y) set(4, y, 700, 2);    // a vertical bar
  for (int x = 1; x < 8; ++x) set(x, 3, 65535, 4);  // a horizontal bar over it
  set(8, 6, 3, 1);                                  // bottom-right: instance 3 again
  const auto annotations = AnnotateFrame(instance.data(), semantic.data(), w, h, 12);
  REQUIRE(annotations.size() == 3);
  CHECK(annotations[0].instance_id == 3);
  CHECK(annotations[0].bbox == std::array<int, 4>{0, 0, 9, 7});
  CHECK(annotations[0].area == 2);
  CHECK(annotations[1].instance_id == 700);
  CHECK(annotations[1].bbox == std::array<int, 4>{4, 2, 1, 4});
  CHECK(annotations[1].area == 3);
  CHECK(annotations[1].category_id == 2);
  CHECK(annotations[2].instance_id == 65535);
  CHECK(annotations[2].id == 12 * 65536 + 65535);
  // The per-instance RLE over the box equals the whole-image mask RLE.
  for (const CocoAnnotation& a : annotations) {
    std::vector<uint8_t> mask(w * h);
    for (int i = 0; i < w * h; ++i) mask[i] = instance[i] == a.instance_id;
    CHECK(a.segmentation.counts == EncodeRle(mask.data(), w, h).counts);
  }
  TempDir dir;
  CHECK(CheckWithPython(dir, instance, semantic, w, h, annotations) == "ok 3 12\n");
}

TEST_CASE("Every annotation of a rendered warehouse frame decodes to exactly its instance's pixels",
          "[datagen][coco]") {
  twin::sim::SiteWorld site =
      twin::sim::LoadSiteWorld(std::string(TWIN_TWINS_DIR) + "/warehouse.yaml", {});
  const mjModel* m = site.world.model();
  mjData* d = site.world.data();
  mj_forward(m, d);
  twin::render::Renderer renderer(twin::testing::ValidatedContext(), m,
                                  twin::render::SceneLabelsOf(site.scene, m));
  const auto cameras = twin::render::SceneCameras(site.scene, m);
  REQUIRE(!cameras.empty());
  renderer.AddCamera(cameras.front());
  const twin::render::CameraFrame f = renderer.Render(d).front();
  const auto annotations =
      AnnotateFrame(f.instance.data(), f.semantic.data(), f.width, f.height, 3);
  CHECK(annotations.size() > 10);
  int64_t covered = 0;
  for (const auto& a : annotations) covered += a.area;
  int64_t foreground = 0;
  for (uint16_t id : f.instance) foreground += id != 0;
  CHECK(covered == foreground);
  TempDir dir;
  const std::string verdict =
      CheckWithPython(dir, f.instance, f.semantic, f.width, f.height, annotations);
  CHECK(verdict ==
        "ok " + std::to_string(annotations.size()) + " " + std::to_string(covered) + "\n");
  twin::testing::RequireNoValidationMessages(twin::testing::ValidatedContext());
}

TEST_CASE("coco.json documents sort by id, and shards merge into the single-process document",
          "[datagen][coco]") {
  const std::vector<std::string> classes = {"carton", "pallet"};
  // Three frames, each with two instances.
  std::vector<nlohmann::json> images, annotations;
  for (int64_t frame = 0; frame < 3; ++frame) {
    images.push_back(CocoImageJson({frame, "rgb/00000" + std::to_string(frame) + ".png", 4, 2}));
    const uint16_t instance[] = {0, 1, 1, 0, 2, 2, 0, 0}, semantic[] = {0, 1, 1, 0, 2, 2, 0, 0};
    for (const CocoAnnotation& a : AnnotateFrame(instance, semantic, 4, 2, frame))
      annotations.push_back(CocoAnnotationJson(a));
  }
  const nlohmann::json whole = CocoDocument(images, annotations, classes);
  CHECK(whole.at("categories") ==
        nlohmann::json::parse(R"([{"id": 1, "name": "carton", "supercategory": "twin"},
                                  {"id": 2, "name": "pallet", "supercategory": "twin"}])"));
  CHECK(whole.at("annotations")[0].at("segmentation") ==
        nlohmann::json::parse(R"({"size": [2, 4], "counts": "21102"})"));

  // Shards hold frames {2} and {0, 1}, in any order inside.
  const nlohmann::json a = CocoDocument({images[2]}, {annotations[5], annotations[4]}, classes);
  const nlohmann::json b =
      CocoDocument({images[1], images[0]},
                   {annotations[3], annotations[0], annotations[2], annotations[1]}, classes);
  CHECK(DatasetJsonText(MergeCoco({a, b})) == DatasetJsonText(whole));

  CHECK(twin::testing::ErrorMessage([&] {
          MergeCoco({a, a});
        }) ==
        "coco.json: image id 2 appears twice; the shards overlap (merge shards with disjoint "
        "frame ranges)");
  const nlohmann::json other = CocoDocument({images[0]}, {}, {"carton", "forklift"});
  CHECK(twin::testing::ErrorMessage([&] {
          MergeCoco({a, other});
        }) ==
        "coco.json: the shards have different categories (category 2 is "
        "{\"id\":2,\"name\":\"pallet\",\"supercategory\":\"twin\"} in shard 0 but "
        "{\"id\":2,\"name\":\"forklift\",\"supercategory\":\"twin\"} in shard 1); only shards of "
        "one scene and config can be merged");
  CHECK_THAT(twin::testing::ErrorMessage([&] { MergeCoco({nlohmann::json::object()}); }),
             Catch::StartsWith("coco.json: a shard's document is malformed"));
}
