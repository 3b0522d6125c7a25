#pragma once
// Turns an Error into the text people read: `file:line:col: error: message`, followed by the
// offending source line and a caret under the column when the source text is available.
// One renderer for every command, so specs, CSV rows and flags all report alike.

#include <map>
#include <string>
#include <string_view>

#include "core/base/error.h"

namespace expt {

// Source texts by file name, as read by the command; lets the renderer quote the line.
using SourceTexts = std::map<std::string, std::string, std::less<>>;

enum class ShowCode { no, yes };

// The first line only: "file:line:col: error: message" (parts without a value are left out,
// e.g. "error: message" when the error has no location), with ShowCode::yes followed by the
// finding code and name, e.g. " [E020 allocation-sum]". No trailing newline.
std::string diagnostic_headline(const Error& error, ShowCode show_code = ShowCode::no);

// The headline, a newline, and, when `sources` holds the file and the line exists, the line
// and a caret under the column, each followed by a newline.
std::string render_diagnostic(const Error& error, const SourceTexts* sources = nullptr,
                              ShowCode show_code = ShowCode::no);

// Line `line` (1-based) of `text` without its line ending; empty when out of range.
std::string_view source_line(std::string_view text, int line);

}  // namespace expt
