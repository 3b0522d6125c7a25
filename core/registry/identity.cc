#include "core/registry/identity.h"

#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "core/base/excerpt.h"

namespace expt {

namespace {

// Characters a name cannot show but a reader may not see: controls (Cc), format characters
// (Cf: zero-width space and joiners, bidirectional marks, the BOM), line and paragraph
// separators, and unassigned or private-use code points.
bool invisible(ucs4_t c) {
  return uc_is_general_category(c, UC_CATEGORY_Cc) || uc_is_general_category(c, UC_CATEGORY_Cf) ||
         uc_is_general_category(c, UC_CATEGORY_Zl) || uc_is_general_category(c, UC_CATEGORY_Zp) ||
         uc_is_general_category(c, UC_CATEGORY_Cn) || uc_is_general_category(c, UC_CATEGORY_Co);
}

bool space(ucs4_t c) { return uc_is_general_category(c, UC_CATEGORY_Zs) || c == '\t'; }

}  // namespace

Result<std::string> normalize_identity(std::string_view name, std::string_view what) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(name.data());
  if (u8_check(bytes, name.size()) != nullptr) {
    return Error::invalid(fmt::format("{} is not valid UTF-8", what));
  }
  // Trim white space at both ends, then refuse what cannot be seen inside.
  size_t begin = 0, end = name.size();
  for (ucs4_t c; begin < end;) {
    const int length = u8_mbtouc(&c, bytes + begin, end - begin);
    if (!space(c)) break;
    begin += static_cast<size_t>(length);
  }
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && (bytes[start] & 0xC0) == 0x80) --start;
    ucs4_t c;
    u8_mbtouc(&c, bytes + start, end - start);
    if (!space(c)) break;
    end = start;
  }
  if (begin == end) return Error::invalid(fmt::format("{} is empty", what));
  for (size_t at = begin; at < end;) {
    ucs4_t c;
    const int length = u8_mbtouc(&c, bytes + at, end - at);
    if (invisible(c)) {
      return Error::invalid(fmt::format("{} '{}' holds the invisible or control character U+{:04X}: a name must be "
                                        "what it looks like",
                                        what, excerpt(std::string_view(name.data() + begin, end - begin), 40), c));
    }
    at += static_cast<size_t>(length);
  }
  size_t folded_length = 0;
  uint8_t* folded = u8_casefold(bytes + begin, end - begin, nullptr, UNINORM_NFKC, nullptr, &folded_length);
  if (folded == nullptr) return Error::invalid(fmt::format("{} cannot be normalised", what));
  std::unique_ptr<uint8_t, decltype(&std::free)> owned(folded, &std::free);
  return std::string(reinterpret_cast<const char*>(folded), folded_length);
}

std::string identity_key(std::string_view name) {
  auto normal = normalize_identity(name, "name");
  return normal ? *normal : std::string(name);
}

}  // namespace expt
