// Expanding a layout file into MJCF + Site: the top-level sections, equipment items with their
// parents and classes, and included layouts.
#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/scenes/scene.h>

#include "layout_buffers.h"
#include "layout_diagnostics_collector.h"
#include "layout_parts.h"
#include "layout_schema_tables.h"
#include "layout_store.h"
#include "model_include.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace twin::scenes {
namespace internal {
namespace fs = std::filesystem;

void ClaimName(const LayoutNode& where, const std::string& name, LayoutBuild& build) {
  if (name.empty()) where.Fail("a name must not be empty");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      where.Fail("name '" + name + "' may use letters, digits, '_', '-' and '.' only");
    }
  }
  const auto [it, fresh] = build.declared_at.emplace(name, where.Where());
  if (!fresh) where.Fail("duplicate name '" + name + "': already used at " + it->second);
}

std::pair<Xml*, Pose> ResolveMount(const LayoutNode& where, const std::string& mount,
                                   LayoutBuild& build) {
  if (mount == "world") return {build.mjcf.worldbody(), Pose{}};
  if (const auto it = build.mounts.find(mount); it != build.mounts.end()) {
    return {it->second.body, it->second.in_body};
  }
  if (const auto it = build.bodies.find(mount); it != build.bodies.end()) {
    return {it->second, Pose{}};
  }
  std::vector<std::string> names{"world"};
  for (const auto& [name, m] : build.mounts) names.push_back(name);
  for (const auto& [name, b] : build.bodies) names.push_back(name);
  where.Fail("unknown mount '" + mount + "'" + base::DidYouMean(mount, names) +
             "; mount on 'world', on equipment declared above, or on one of its parts");
}

int ClassId(Site& site, const std::string& name) {
  const auto it = std::find(site.classes.begin(), site.classes.end(), name);
  if (it != site.classes.end()) return static_cast<int>(it - site.classes.begin()) + 1;
  site.classes.push_back(name);
  return static_cast<int>(site.classes.size());
}

namespace {

Param FileParam() {
  return {.key = "file",
          .type = Type::kString,
          .description =
              "a layout (.yaml), MJCF model (.xml) or URDF robot (.urdf), relative to "
              "this file",
          .required = true,
          .has_default = false};
}
Param IncludePose() {
  return Nested("pose", Type::kBlock, PoseSchema(), "where it goes in this layout");
}

}  // namespace

const Block& IncludeLayoutSchema() {
  static const Block block{"include_layout",
                           "an included layout",
                           {
                               FileParam(),
                               IncludePose(),
                               {.key = "prefix",
                                .type = Type::kString,
                                .description = "put before every name it declares",
                                .text = ""},
                           }};
  return block;
}

const Block& IncludeSchema() {
  static const Block block = [] {
    Block any{"include", "an include like {file: aisle.yaml, pose: {position: [0, 5, 0]}}", {}};
    for (const Block* b : {&IncludeLayoutSchema(), &IncludeModelSchema()}) {
      for (const Param& p : b->params) {
        if (!any.Find(p.key)) any.params.push_back(p);
      }
    }
    return any;
  }();
  return block;
}

namespace {

std::vector<std::string> TypeNames() {
  std::vector<std::string> names;
  for (const EquipmentType& type : EquipmentTypes()) names.push_back(type.name);
  return names;
}

class Loader {
 public:
  /// `collect`: go on past mistakes, listing them there (else the first one throws).
  Loader(LayoutBuild& build, const LayoutStore& store, DiagnosticsCollector* collect)
      : build_(build), store_(store), collect_(collect) {}

  // Reads one layout document placed at `at`; `file` is its absolute path ("" for text).
  void Load(const LayoutNode& unbound, const Placement& at, const std::string& file,
            const std::string& base_dir, bool top_level) {
    const LayoutNode root = unbound.Bound(schema::LayoutRoot());
    if (!root.IsMap()) {
      root.Fail(
          "a layout is a mapping with the sections site:, equipment:, include:, sensors:, "
          "lights:, bridge:, autopilot:, randomize:");
    }
    Unit([&] {
      if (top_level) {
        if (const auto site = root.Optional("site"))
          ReadSiteSection(*site, build_);
        else
          ReadSiteSection(ParseLayoutText("{}", root.file()).Bound(SiteSchema()), build_);
      } else if (root.Has("site")) {
        root.Required("site").Fail(
            "only the top-level layout has a site: section; an included "
            "layout contributes equipment, sensors and lights");
      }
    });
    stack_.push_back(file);
    if (const auto equipment = root.Optional("equipment")) {
      Unit([&] { ReadEquipment(*equipment, at); });
    }
    if (const auto includes = root.Optional("include")) {
      Unit([&] { ReadIncludes(*includes, at, base_dir); });
    }
    if (const auto sensors = root.Optional("sensors")) {
      Unit([&] { ReadSensors(*sensors, at, build_); });
    }
    if (const auto lights = root.Optional("lights")) {
      Unit([&] { ReadLights(*lights, at, build_); });
    }
    if (const auto autopilot = root.Optional("autopilot")) {
      Unit([&] {
        if (!top_level) autopilot->Fail("only the top-level layout has an autopilot: section");
        ReadAutopilot(*autopilot, build_);
      });
    }
    if (const auto bridge = root.Optional("bridge")) {
      Unit([&] {
        if (!top_level) bridge->Fail("only the top-level layout has a bridge: section");
        ReadBridge(*bridge, build_);
      });
    }
    if (const auto randomize = root.Optional("randomize")) {
      Unit([&] {
        if (!top_level) randomize->Fail("only the top-level layout has a randomize: section");
        ReadRandomizeSection(*randomize, build_);
      });
    }
    stack_.pop_back();
    Unit([&] { root.CheckNoUnknownKeys(); });
  }

 private:
  void ReadEquipment(const LayoutNode& list, const Placement& at) {
    const std::vector<LayoutNode> items = list.Items("equipment items");
    // Names declared anywhere in this list, so a parent declared too late gets a precise message.
    std::map<std::string, std::string> later;
    for (const LayoutNode& item : items) {
      if (item.IsMap() && item.Has("name") && item.Required("name").IsScalar()) {
        later[at.prefix + item.Required("name").AsString()] = item.Where();
      }
    }
    for (const LayoutNode& item : items) {
      // An item left out (when checking) takes its name with it: items on it are left out too.
      std::string name;
      if (item.IsMap() && item.Has("name") && item.Required("name").IsScalar()) {
        name = at.prefix + item.Required("name").AsString();
      }
      Unit([&] { ReadItem(item, at, later); }, name);
    }
  }

  // Runs one unit of the layout: when checking, a mistake is listed and the unit left out.
  template <class F>
  void Unit(F&& read, const std::string& left_out_name = "") {
    if (!collect_) {
      read();
      return;
    }
    try {
      read();
    } catch (const LeftOut&) {
      if (!left_out_name.empty()) collect_->left_out.insert(left_out_name);
    } catch (const base::Error& e) {
      if (!left_out_name.empty()) collect_->left_out.insert(left_out_name);
      collect_->Add(e);  // throws DiagnosticsCollector::Full at the limit
    }
  }

  void ReadItem(const LayoutNode& unbound, const Placement& at,
                const std::map<std::string, std::string>& declared) {
    unbound.ExpectMap(
        "an equipment item like {type: carton, name: c1, pose: {position: [0, 0, 0]}}");
    const std::string type_name = unbound.Required("type").AsString();
    const EquipmentType* type = FindEquipmentType(type_name);
    if (!type) {
      unbound.Required("type").Fail(
          "unknown equipment type '" + type_name + "'" +
          base::UnknownNameHint(type_name, TypeNames(), "; the types are: "));
    }
    const LayoutNode item = unbound.Bound(*schema::ItemBlock(type->name));
    Entity entity;
    entity.name = at.prefix + item.Text("name");
    ClaimName(item.Required("name"), entity.name, build_);
    entity.type = type->name;
    entity.class_name = item.Has("class") ? item.Text("class") : type->default_class;
    entity.class_id = ClassId(build_.site, entity.class_name);
    entity.source = item.Where();
    const Pose local = item.Has("pose") ? ReadPose(item.Required("pose")) : Pose{};
    const bool loose = type->loose && !(type->fixable && item.Bool("fixed"));
    entity.dynamic = loose;

    // Where it goes: on a parent's mount point, or in the (included) layout's frame.
    Xml* parent_body = build_.mjcf.worldbody();
    Pose in_parent = Compose(at.pose, local);
    entity.pose = in_parent;
    if (const auto parent = item.Optional("parent")) {
      entity.parent = at.prefix + parent->AsString();
      const auto mount = build_.mounts.find(entity.parent);
      if (mount == build_.mounts.end() && collect_ && collect_->LeftOut(entity.parent)) {
        throw LeftOut{};  // its parent has a mistake of its own, already listed
      }
      if (mount == build_.mounts.end()) {
        if (const auto it = declared.find(entity.parent); it != declared.end()) {
          parent->Fail("parent '" + entity.parent + "' is declared later (" + it->second +
                       "); declare it before the items placed on it");
        }
        std::vector<std::string> names;
        for (const auto& [name, m] : build_.mounts) names.push_back(name);
        parent->Fail("unknown parent '" + entity.parent + "'" +
                     base::DidYouMean(entity.parent, names) +
                     (names.empty() ? "; no equipment offers a place to stand on yet"
                                    : "; it must name equipment declared above or one of its "
                                      "levels/slots"));
      }
      entity.pose = Compose(mount->second.world, local);
      if (!loose) {
        parent_body = mount->second.body;
        in_parent = Compose(mount->second.in_body, local);
      } else {
        in_parent = entity.pose;
      }
    }

    Xml* root = AddBody(parent_body, entity.name, in_parent);
    build_.bodies[entity.name] = root;
    entity.bodies.push_back(entity.name);
    if (loose) {
      Xml* joint = Add(root, "freejoint");
      Set(joint, "name", entity.name + "/free");
    }
    EquipmentContext ctx{item, entity, build_, root};
    type->build(ctx);
    if (const auto randomize = item.Optional("randomize")) ReadRandomize(*randomize, entity);
    item.CheckNoUnknownKeys();
    build_.site.entities.push_back(std::move(entity));
  }

  void ReadRandomize(const LayoutNode& node, Entity& entity) {
    std::vector<std::string> allowed{"x", "y", "z", "yaw"};
    for (const auto& [key, value] : entity.parameters) allowed.push_back(key);
    for (const auto& [key, range] : node.Entries("randomize ranges like {speed: [0.2, 0.4]}")) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        range.Fail("'" + key + "' cannot be randomized for a " + entity.type +
                   base::UnknownNameHint(key, allowed, "; allowed: "));
      }
      const auto r = range.AsVector<2>();
      if (r[0] > r[1]) {
        range.Fail("the range is [min, max] and min (" + std::to_string(r[0]) +
                   ") is greater than max (" + std::to_string(r[1]) + ")");
      }
      entity.randomize.push_back({key, r[0], r[1]});
    }
  }

  void ReadIncludes(const LayoutNode& list, const Placement& at, const std::string& base_dir) {
    for (const LayoutNode& any : list.Items("includes")) {
      any.ExpectMap("an include like {file: aisle.yaml, pose: {position: [0, 5, 0]}}");
      const std::string file = any.Text("file");
      const fs::path path = (fs::path(base_dir) / file).lexically_normal();
      const std::string ext = path.extension().string();
      const bool layout = ext == ".yaml" || ext == ".yml";
      if (!layout && ext != ".xml" && ext != ".urdf") {
        any.Required("file").Fail("cannot include '" + file +
                                  "': include layouts (.yaml), MJCF models (.xml) or URDF "
                                  "robots (.urdf)");
      }
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) {
        any.Required("file").Fail("included file '" + path.string() + "' does not exist");
      }
      if (!layout) {
        IncludeModel(any.Bound(IncludeModelSchema()), path, at, build_);
        continue;
      }
      const LayoutNode item = any.Bound(IncludeLayoutSchema());
      Placement inner = at;
      if (item.Has("pose")) inner.pose = Compose(at.pose, ReadPose(item.Required("pose")));
      inner.prefix = at.prefix + item.Text("prefix");
      item.CheckNoUnknownKeys();
      const std::string absolute = fs::absolute(path).string();
      if (std::find(stack_.begin(), stack_.end(), absolute) != stack_.end()) {
        std::string cycle;
        for (const std::string& f : stack_) {
          cycle += (cycle.empty() ? "" : " -> ") + fs::path(f).filename().string();
        }
        item.Required("file").Fail("include cycle: " + cycle + " -> " + path.filename().string());
      }
      const LayoutNode root = IncludedRoot(absolute, path.string());
      build_.sources.push_back(fs::path(absolute).lexically_normal());
      Load(root, inner, absolute, path.parent_path().string(), /*top_level=*/false);
    }
  }

  // An included layout as the document parsed it (its parse error, if it had one, is raised here,
  // where the loader meets it).
  LayoutNode IncludedRoot(const std::string& absolute, const std::string& shown) const {
    const StoredFile* stored = store_.Find(absolute);
    if (!stored) return ParseLayoutFile(shown);  // not reached by the document's own walk
    if (!stored->error.empty()) throw base::Error(stored->error);
    return LayoutNode(stored->root, shown);
  }

  struct LeftOut {};

  LayoutBuild& build_;
  const LayoutStore& store_;
  DiagnosticsCollector* collect_;
  std::vector<std::string> stack_;  // absolute paths of the layouts being read, for cycles
};

Scene Finish(LayoutBuild& build, const std::string& shown, const std::string& base_dir) {
  SizeBuffers(build.mjcf);
  build.site.materials.assign(build.materials.begin(), build.materials.end());
  for (size_t i = 0; i < build.site.entities.size(); ++i) {
    build.site.entities[i].instance_id = static_cast<int>(i) + 1;
  }
  Scene scene;
  scene.source = SceneSource::kLayout;
  scene.path = shown;
  scene.base_dir = base_dir;
  scene.mjcf = build.mjcf.Text();
  scene.site = std::move(build.site);
  return scene;
}

}  // namespace

Scene ExpandLayout(const Layout& layout, std::vector<std::filesystem::path>* sources,
                   DiagnosticsCollector* collect) {
  namespace fs = std::filesystem;
  const StoredFile& top = layout.store().files.front();
  const LayoutNode root(top.root, top.shown);
  LayoutBuild build(fs::path(top.shown).stem().string());
  build.site.name = fs::path(top.shown).stem().string();
  build.site.source = top.shown;
  Loader(build, layout.store(), collect).Load(root, {}, top.absolute, top.base_dir, true);
  Set(build.mjcf.root(), "model", build.site.name);
  if (sources) sources->insert(sources->end(), build.sources.begin(), build.sources.end());
  return Finish(build, top.shown, top.base_dir);
}

Scene LoadLayout(const std::string& text, const std::string& shown, const std::string& base_dir,
                 std::vector<std::filesystem::path>* sources) {
  return ExpandLayout(ParseLayoutDocument(text, shown, base_dir), sources, nullptr);
}

std::string ReadLayoutFileText(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw base::Error(path + ": no such file (check the path)");
  if (fs::is_directory(path, ec)) throw base::Error(path + ": is a directory, not a layout file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::Error(path + ": cannot open the file for reading (check its permissions)");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find_first_not_of(" \t\r\n") == std::string::npos) {
    throw base::Error(path + ": the layout is empty; start from the example in scenes/README.md");
  }
  return text.str();
}

Scene LoadSceneFile(const std::string& path, std::vector<std::filesystem::path>* sources) {
  namespace fs = std::filesystem;
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".yaml" || ext == ".yml") {
    const std::string text = ReadLayoutFileText(path);
    if (sources) sources->push_back(fs::absolute(path).lexically_normal());
    return LoadLayout(text, path, fs::absolute(path).parent_path().string(), sources);
  }
  const SceneFile file = ReadSceneFile(path);
  Scene scene;
  scene.source = SceneSource::kModel;
  scene.format = file.format;
  scene.path = path;
  scene.base_dir = file.path.parent_path().string();
  scene.mjcf = file.text;
  scene.site.name = file.path.stem().string();
  scene.site.source = path;
  if (sources) {
    for (fs::path& source : ModelSourceFiles(file.path)) sources->push_back(std::move(source));
  }
  return scene;
}

}  // namespace internal

Scene LoadLayoutText(const std::string& text, const std::string& shown,
                     const std::string& base_dir) {
  return internal::LoadLayout(text, shown, base_dir, nullptr);
}

Scene Expand(const Layout& layout) {
  return internal::ExpandLayout(layout, nullptr, nullptr);
}

Scene LoadScene(const std::string& path) {
  return internal::LoadSceneFile(path, nullptr);
}

}  // namespace twin::scenes
