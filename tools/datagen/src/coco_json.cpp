// coco.json documents: images, annotations and categories, and merging shards of them.
#include <algorithm>
#include <string>

#include <twin/base/error.h>
#include <twin/datagen/coco.h>

namespace twin::datagen {
namespace {

using nlohmann::json;

// Sorts by "id"; two entries with one id are an error (shards that overlap).
void SortById(std::vector<json>& items, const std::string& what) {
  std::sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return a.at("id").get<int64_t>() < b.at("id").get<int64_t>();
  });
  for (size_t i = 1; i < items.size(); ++i)
    if (items[i].at("id") == items[i - 1].at("id"))
      throw base::Error(
          "coco.json: " + what + " id " + items[i].at("id").dump() +
          " appears twice; the shards overlap (merge shards with disjoint frame ranges)");
}

json Categories(const std::vector<std::string>& classes) {
  json categories = json::array();
  for (size_t k = 0; k < classes.size(); ++k)
    categories.push_back({{"id", k + 1}, {"name", classes[k]}, {"supercategory", "twin"}});
  return categories;
}

json MergeDocuments(const std::vector<json>& documents) {
  const json& categories = documents.front().at("categories");
  std::vector<json> images, annotations;
  for (size_t i = 0; i < documents.size(); ++i) {
    const json& doc = documents[i];
    if (doc.at("categories") != categories) {
      std::string differs = "shard " + std::to_string(i) + " has " +
                            std::to_string(doc.at("categories").size()) + " categories, shard 0 " +
                            std::to_string(categories.size());
      for (size_t k = 0; k < std::min(categories.size(), doc.at("categories").size()); ++k)
        if (doc.at("categories")[k] != categories[k]) {
          differs = "category " + std::to_string(k + 1) + " is " + categories[k].dump() +
                    " in shard 0 but " + doc.at("categories")[k].dump() + " in shard " +
                    std::to_string(i);
          break;
        }
      throw base::Error("coco.json: the shards have different categories (" + differs +
                        "); only shards of one scene and config can be merged");
    }
    for (const json& image : doc.at("images")) images.push_back(image);
    for (const json& annotation : doc.at("annotations")) annotations.push_back(annotation);
  }
  SortById(images, "image");
  SortById(annotations, "annotation");
  json merged = documents.front();
  merged["images"] = std::move(images);
  merged["annotations"] = std::move(annotations);
  return merged;
}

}  // namespace

json CocoImageJson(const CocoImage& image) {
  return {{"id", image.id},
          {"file_name", image.file_name},
          {"width", image.width},
          {"height", image.height}};
}

json CocoAnnotationJson(const CocoAnnotation& a) {
  return {{"id", a.id},
          {"image_id", a.image_id},
          {"category_id", a.category_id},
          {"instance_id", a.instance_id},
          {"bbox", a.bbox},
          {"area", a.area},
          {"iscrowd", 0},
          {"segmentation",
           {{"size", {a.segmentation.height, a.segmentation.width}},
            {"counts", a.segmentation.counts}}}};
}

json CocoDocument(std::vector<json> images, std::vector<json> annotations,
                  const std::vector<std::string>& classes) {
  SortById(images, "image");
  SortById(annotations, "annotation");
  json document;
  document["info"] = {{"description", "twin synthetic dataset"}, {"version", "1"}};
  document["licenses"] = json::array();
  document["images"] = std::move(images);
  document["annotations"] = std::move(annotations);
  document["categories"] = Categories(classes);
  return document;
}

json MergeCoco(const std::vector<json>& documents) {
  if (documents.empty()) throw base::Error("coco.json: nothing to merge");
  try {
    return MergeDocuments(documents);
  } catch (const json::exception& e) {
    throw base::Error(std::string("coco.json: a shard's document is malformed (") + e.what() + ")");
  }
}

}  // namespace twin::datagen
