#include "core/base/diagnostic.h"

#include <catch2/catch.hpp>

namespace expt {
namespace {

TEST_CASE("a diagnostic quotes the source line and puts a caret under the column", "[diagnostic]") {
  SourceTexts sources{{"specs/checkout.yaml", "kind: experiment\nkey: x\n  allocation: 0.4\n"}};
  Error e = Error::invalid("variant allocations sum to 0.9, expected 1", {"specs/checkout.yaml", 3, 3});
  CHECK(render_diagnostic(e, &sources) ==
        "specs/checkout.yaml:3:3: error: variant allocations sum to 0.9, expected 1\n"
        "    allocation: 0.4\n"
        "    ^\n");
}

TEST_CASE("diagnostics leave out what they do not know", "[diagnostic]") {
  CHECK(diagnostic_headline(Error::invalid("bad flag")) == "error: bad flag");
  CHECK(diagnostic_headline(Error::io("cannot read", "x.yaml")) == "x.yaml: error: cannot read");
  CHECK(diagnostic_headline(Error::invalid("m", {"f.csv", 7, 0})) == "f.csv:7: error: m");
  Error w = Error::invalid("careful", {"f", 1, 1});
  w.severity = Severity::warning;
  CHECK(diagnostic_headline(w) == "f:1:1: warning: careful");
  CHECK(render_diagnostic(Error::invalid("m", {"missing.yaml", 1, 1}), nullptr) == "missing.yaml:1:1: error: m\n");
}

TEST_CASE("source_line finds lines with either line ending", "[diagnostic]") {
  CHECK(source_line("a\r\nb\r\nc", 2) == "b");
  CHECK(source_line("a\nb", 3).empty());
  CHECK(source_line("", 1).empty());
}

}  // namespace
}  // namespace expt
