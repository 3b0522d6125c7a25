#pragma once
// Timestamps as integer milliseconds since the Unix epoch (UTC). Registry stamps are written
// as ISO-8601 UTC with a `Z`; inputs (CSV exports, EXPT_NOW) may use any offset or epoch numbers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace expt {

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with "T" or a space, then "Z", "+HH:MM",
// "+HHMM" or "+HH" (no offset means UTC); or an integer of epoch seconds (fewer than 12 digits)
// or milliseconds (12 or more). Returns nullopt for anything else, including impossible dates.
std::optional<int64_t> parse_timestamp_ms(std::string_view text);

// "2026-11-23T23:22:43Z" (milliseconds are shown only when not zero: "...43.250Z").
std::string format_utc(int64_t unix_ms);

}  // namespace expt
