// COCO instance annotations of rendered frames: run-length encoded masks in pycocotools' format,
// one annotation per instance, and the coco.json document of a camera (merged across shards).
//
// RLE (pycocotools' maskApi): the mask is read column-major (down each column, left to right);
// counts are the lengths of alternating runs starting with a run of 0s (possibly empty). The
// string form stores each count (from the fourth on, minus the count two before it) as 5-bit
// groups, low first, each + 48 as a character, bit 0x20 set when another group follows.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace twin::datagen {

struct CocoRle {
  int height = 0, width = 0;
  std::string counts;  ///< compressed string form
};

/// COCO RLE of a binary mask (row-major, nonzero = in), column-major run lengths starting with
/// the 0-run, compressed exactly like pycocotools' rleToString.
CocoRle EncodeRle(const uint8_t* mask, int width, int height);

/// The string form of run lengths (pycocotools' rleToString).
std::string CompressRleCounts(const std::vector<uint32_t>& counts);

struct CocoAnnotation {
  int64_t id = 0, image_id = 0;
  int category_id = 0;        ///< semantic class id
  int instance_id = 0;        ///< our entity instance id (extra field "instance_id")
  std::array<int, 4> bbox{};  ///< x, y, w, h in pixels (tight box of the mask)
  int64_t area = 0;           ///< pixel count
  CocoRle segmentation;
};

/// Annotation ids: image_id * kAnnotationIdStride + instance id (stable across shards).
inline constexpr int64_t kAnnotationIdStride = 65536;

/// One annotation per nonzero instance id present in `instance` (ids in ascending order);
/// category from `semantic` at those pixels; id = image_id * 65536 + instance id. Single pass
/// over the image plus one RLE pass per instance over its bbox.
std::vector<CocoAnnotation> AnnotateFrame(const uint16_t* instance, const uint16_t* semantic,
                                          int width, int height, int64_t image_id);

struct CocoImage {
  int64_t id = 0;
  std::string file_name;
  int width = 0, height = 0;
};

nlohmann::json CocoImageJson(const CocoImage& image);
/// iscrowd 0, segmentation {size: [h, w], counts}, plus "instance_id".
nlohmann::json CocoAnnotationJson(const CocoAnnotation& annotation);

/// The whole coco.json: info, images and annotations sorted by id (a duplicate id throws),
/// categories (id k = classes[k - 1]).
nlohmann::json CocoDocument(std::vector<nlohmann::json> images,
                            std::vector<nlohmann::json> annotations,
                            const std::vector<std::string>& classes);

/// Merges shard documents: images/annotations concatenated and sorted by id (duplicate ids
/// throw), categories must be identical (else twin::base::Error naming what differs).
nlohmann::json MergeCoco(const std::vector<nlohmann::json>& documents);

}  // namespace twin::datagen
