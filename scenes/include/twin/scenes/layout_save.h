// Saving an edited layout document (layout_document.h) through the text of its files
// (layout_source.h), so that what the user wrote survives the edit.
//
// The document's YAML is compared with the YAML of the source's text, file by file, and each
// difference becomes a text patch: a changed value replaces only that value's text; a key the
// document added is written at the end of its mapping; a list item it removed goes with its comment
// lines; an item added at the end of a list is written in the style of the list's last item.
// Items are matched by position after the unchanged ones at both ends, and by `name` when a list
// lost or gained items. Because the comparison is with the text, edits that were undone (or
// reverted by hand) write nothing, and an included layout is written only when a value in it
// changed. An item inserted before others (edit::AddItem with an index) rewrites its list as one
// flow value.
#pragma once

#include <twin/scenes/layout_document.h>
#include <twin/scenes/layout_source.h>

#include <filesystem>
#include <vector>

namespace twin::scenes {

/// Patches `source`'s text so that each of its files reads as `layout`'s file of the same path
/// (files are matched by their absolute path). Throws twin::base::Error when a change cannot be
/// written (a value the text layer cannot span, a file the document has and the source lacks);
/// `source` then holds the patches made before it.
void WriteLayoutToSource(const Layout& layout, LayoutSource& source);

/// WriteLayoutToSource, then LayoutSource::Save: writes, atomically, only the files whose text
/// changed, and returns them. On failure throws twin::base::Error naming the file and the reason;
/// the document and the unsaved text are kept (LayoutUnsaved stays true), and a later call tries
/// again.
std::vector<std::filesystem::path> SaveLayout(const Layout& layout, LayoutSource& source);

/// Whether saving would write anything: the document differs from the source's text, or the
/// source holds text not yet written (a save failed).
bool LayoutUnsaved(const Layout& layout, const LayoutSource& source);

}  // namespace twin::scenes
