#include "core/assign/layer_selection.h"

#include "core/base/edit_distance.h"

namespace expt {

Result<std::vector<size_t>> select_layers(const AssignmentSnapshot& snapshot, const std::vector<std::string>& names) {
  std::vector<size_t> layers;
  if (names.empty()) {
    for (size_t i = 0; i < snapshot.layers.size(); ++i) layers.push_back(i);
    return layers;
  }
  for (const std::string& name : names) {
    int index = snapshot.layer_index(name);
    if (index < 0) {
      std::vector<std::string_view> keys;
      for (const SnapshotLayer& l : snapshot.layers) keys.push_back(l.key);
      return Error::not_found("unknown namespace '" + name + "'" + did_you_mean(name, keys));
    }
    layers.push_back(static_cast<size_t>(index));
  }
  return layers;
}

}  // namespace expt
