#pragma once
// Who did something, as the registry records it: actors (the audit log, reviews) and teams
// (review policies), normalised so that one person or team has one spelling. "Alice", "alice ",
// "ＡＬＩＣＥ" and "alice" are one actor, and "alice" with a zero-width space a refusal: Unicode
// NFKC (NFC, plus compatibility forms such as fullwidth letters, as Unicode's identifier
// matching does), case-folded (full case folding), surrounding white space trimmed; control
// characters and invisible format characters (zero-width spaces and joiners, bidirectional
// marks) refused.

#include <string>
#include <string_view>

#include "core/base/error.h"

namespace expt {

// The normal form of `name`. `what` names it in errors ("EXPT_ACTOR", "--team"). Errors
// (invalid): empty once trimmed, not UTF-8, or holding a control or invisible character.
Result<std::string> normalize_identity(std::string_view name, std::string_view what);

// The normal form, or `name` itself when it cannot be normalised: for comparing names the
// registry already holds (recorded before they were normalised).
std::string identity_key(std::string_view name);

}  // namespace expt
