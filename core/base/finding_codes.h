#pragma once
// Stable codes for every problem a spec check can find. The codes are a public contract: CI
// scripts match on them (docs/lint.md lists each with an example), so a code is never reused
// for a different problem. Codes starting with E are errors, W warnings.

#include <span>
#include <string_view>

namespace expt {

struct FindingCode {
  std::string_view code;     // "E101"
  std::string_view name;     // "slot-overlap"
  std::string_view summary;  // one sentence for docs and --help
};

namespace code {
inline constexpr std::string_view yaml_syntax = "E001";
inline constexpr std::string_view wrong_shape = "E002";
inline constexpr std::string_view unknown_kind = "E003";
inline constexpr std::string_view unknown_field = "E004";
inline constexpr std::string_view missing_field = "E005";
inline constexpr std::string_view invalid_value = "E006";
inline constexpr std::string_view invalid_key = "E007";
inline constexpr std::string_view duplicate_field = "E008";
inline constexpr std::string_view duplicate_key = "E010";
inline constexpr std::string_view unknown_namespace = "E011";
inline constexpr std::string_view unknown_metric = "E012";
inline constexpr std::string_view duplicate_global_holdout = "E013";
inline constexpr std::string_view allocation_sum = "E020";
inline constexpr std::string_view duplicate_variant = "E021";
inline constexpr std::string_view variant_count = "E022";
inline constexpr std::string_view guardrail_threshold = "E023";
inline constexpr std::string_view plan_metric = "E024";
inline constexpr std::string_view duplicate_binding = "E025";
inline constexpr std::string_view cuped_metric = "E026";
inline constexpr std::string_view slot_overlap = "E101";
inline constexpr std::string_view namespace_oversubscribed = "E102";
inline constexpr std::string_view slots_fragmented = "E103";
inline constexpr std::string_view range_out_of_bounds = "E104";
inline constexpr std::string_view percent_not_whole = "E105";
inline constexpr std::string_view no_primary_metric = "W201";
inline constexpr std::string_view threshold_ignored = "W202";
}  // namespace code

// Every code, in code order.
std::span<const FindingCode> all_finding_codes();

// The entry for `code`, or nullptr.
const FindingCode* find_finding_code(std::string_view code);

}  // namespace expt
