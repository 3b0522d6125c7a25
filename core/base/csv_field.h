#pragma once
// RFC 4180 output: one field, quoted only when it holds a comma, quote, CR or LF (quotes
// doubled). Shared by every CSV expt writes, from command output to the SDK's exposure log.

#include <string>
#include <string_view>

namespace expt {

void append_csv_field(std::string& out, std::string_view field);

}  // namespace expt
