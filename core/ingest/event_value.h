#pragma once
// An event's value as a CSV holds it: a decimal number, "+" allowed in front, finite. The usual
// short decimals ("844.2", "-3", "0.125") are read exactly by Clinger's fast path (at most 15
// digits, no exponent: the digits and the power of ten are exact doubles, and one IEEE division
// rounds correctly), so the result is std::from_chars's to the bit; anything else goes to
// std::from_chars. Runs once per event row.

#include <optional>
#include <string_view>

namespace expt {

std::optional<double> parse_event_value(std::string_view text);

}  // namespace expt
