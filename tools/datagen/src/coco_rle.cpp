// COCO run-length encoding of masks and of whole instance images.
#include <twin/datagen/coco.h>

#include <algorithm>

#include <twin/base/error.h>

namespace twin::datagen {
namespace {

// Alternating runs, starting with a run of 0s, built from spans of equal values.
class RunBuilder {
 public:
  void Add(bool in, uint32_t length) {
    if (length == 0) return;
    if (in != in_) {
      counts_.push_back(run_);
      run_ = 0;
      in_ = in;
    }
    run_ += length;
  }
  std::vector<uint32_t> Finish() {
    counts_.push_back(run_);  // the last run (a 0-run of length 0 only for an empty image)
    return std::move(counts_);
  }

 private:
  std::vector<uint32_t> counts_;
  bool in_ = false;
  uint32_t run_ = 0;
};

}  // namespace

std::string CompressRleCounts(const std::vector<uint32_t>& counts) {
  std::string s;
  s.reserve(counts.size() * 2);
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t x = counts[i];
    if (i > 2) x -= counts[i - 2];
    bool more = true;
    while (more) {
      int c = static_cast<int>(x & 0x1f);
      x >>= 5;  // arithmetic: a negative difference ends in -1
      more = (c & 0x10) ? x != -1 : x != 0;
      if (more) c |= 0x20;
      s.push_back(static_cast<char>(c + 48));
    }
  }
  return s;
}

CocoRle EncodeRle(const uint8_t* mask, int width, int height) {
  TWIN_DEMAND(width >= 0 && height >= 0);
  RunBuilder runs;
  for (int x = 0; x < width; ++x)
    for (int y = 0; y < height; ++y) runs.Add(mask[static_cast<size_t>(y) * width + x] != 0, 1);
  return {height, width, CompressRleCounts(runs.Finish())};
}

std::vector<CocoAnnotation> AnnotateFrame(const uint16_t* instance, const uint16_t* semantic,
                                          int width, int height, int64_t image_id) {
  TWIN_DEMAND(width >= 1 && height >= 1);
  // One pass: box, area and class of every id present.
  struct Extent {
    int x0 = 0, y0 = 0, x1 = -1, y1 = -1;  // inclusive; x1 < 0 = absent
    int64_t area = 0;
    int category = 0;
  };
  std::vector<Extent> extents(65536);
  for (int y = 0; y < height; ++y) {
    const uint16_t* row = instance + static_cast<size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      const uint16_t id = row[x];
      if (!id) continue;
      Extent& e = extents[id];
      if (e.area++ == 0) {
        e = {x, y, x, y, 1, semantic[static_cast<size_t>(y) * width + x]};
        continue;
      }
      e.x0 = std::min(e.x0, x), e.x1 = std::max(e.x1, x);
      e.y1 = y;  // rows come in order
    }
  }

  // Column-major copy: RLE runs go down the columns, so each mask is read contiguously.
  std::vector<uint16_t> columns(static_cast<size_t>(width) * height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      columns[static_cast<size_t>(x) * height + y] = instance[static_cast<size_t>(y) * width + x];

  std::vector<CocoAnnotation> annotations;
  for (int id = 1; id < 65536; ++id) {
    const Extent& e = extents[id];
    if (e.area == 0) continue;
    CocoAnnotation a;
    a.id = image_id * kAnnotationIdStride + id;
    a.image_id = image_id;
    a.category_id = e.category;
    a.instance_id = id;
    a.bbox = {e.x0, e.y0, e.x1 - e.x0 + 1, e.y1 - e.y0 + 1};
    a.area = e.area;
    // Column-major over the box; everything outside it is 0.
    const uint32_t above = e.y0, below = height - 1 - e.y1;
    RunBuilder runs;
    runs.Add(false, static_cast<uint32_t>(e.x0) * height);
    for (int x = e.x0; x <= e.x1; ++x) {
      runs.Add(false, above);
      const uint16_t* column = columns.data() + static_cast<size_t>(x) * height;
      for (int y = e.y0; y <= e.y1;) {
        const bool in = column[y] == id;
        int end = y + 1;
        while (end <= e.y1 && (column[end] == id) == in) ++end;
        runs.Add(in, static_cast<uint32_t>(end - y));
        y = end;
      }
      runs.Add(false, below);
    }
    runs.Add(false, static_cast<uint32_t>(width - 1 - e.x1) * height);
    a.segmentation = {height, width, CompressRleCounts(runs.Finish())};
    annotations.push_back(std::move(a));
  }
  return annotations;
}

}  // namespace twin::datagen
