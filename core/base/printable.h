#pragma once
// Text that came from a user (a spec's description, a CSV's variant value, a table name) shown to
// a person: what a terminal would act on instead of showing (ESC sequences that clear the screen,
// move the cursor or forge a hyperlink; other controls; bidirectional overrides that reorder what
// is read) is written as a visible escape, and bytes that are not UTF-8 as \xNN.

#include <string>
#include <string_view>

namespace expt {

// `text` with C0 and C1 controls and DEL as \xNN or \uNNNN; bidirectional marks, embeddings,
// overrides and isolates, and zero-width characters as \uNNNN; invalid UTF-8 bytes as \xNN. A
// backslash itself is left alone. Text with none of these comes back unchanged.
std::string printable(std::string_view text);

// Whether free text (a --reason, a --note) says something: it has a letter or a digit, in any
// script. " ", "." and "-" do not.
bool has_words(std::string_view text);

}  // namespace expt
