// printable() and has_words(): what a terminal would act on is shown, not obeyed.

#include <catch2/catch.hpp>

#include "core/base/printable.h"

namespace expt {
namespace {

TEST_CASE("escape sequences, controls and reordering marks are shown escaped", "[base]") {
  CHECK(printable("growth") == "growth");
  CHECK(printable("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC") == "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC");  // café 日本 unchanged
  CHECK(printable("\x1b[2J\x1b[Hpwned") == "\\x1B[2J\\x1B[Hpwned");                                    // clear screen
  CHECK(printable("\x1b]8;;http://evil\x07link\x1b]8;;\x07") == "\\x1B]8;;http://evil\\x07link\\x1B]8;;\\x07");  // OSC 8 link
  CHECK(printable("a\nb\tc\rd\x7f") == "a\\x0Ab\\x09c\\x0Dd\\x7F");
  CHECK(printable("\xC2\x9B" "31m") == "\\u009B31m");           // the one-byte CSI of C1
  CHECK(printable("admin\xE2\x80\xAEtxt.exe") == "admin\\u202Etxt.exe");  // right-to-left override
  CHECK(printable("ol\xE2\x80\x8Bga") == "ol\\u200Bga");         // zero-width space
  CHECK(printable("\xFF\xC3(") == "\\xFF\\xC3(");                 // not UTF-8
  CHECK(printable("\xED\xA0\x80") == "\\xED\\xA0\\x80");          // a surrogate is not UTF-8
}

TEST_CASE("a reason has words when it has a letter or a digit in any script", "[base]") {
  CHECK(has_words("incident fix"));
  CHECK(has_words("42"));
  CHECK(has_words("\xE4\xBF\xAE\xE6\xAD\xA3"));  // 修正
  CHECK_FALSE(has_words(""));
  CHECK_FALSE(has_words("   "));
  CHECK_FALSE(has_words(" . - !"));
  CHECK_FALSE(has_words("\xE2\x80\x8B\xE2\x80\x83"));  // a zero-width and an em space
}

}  // namespace
}  // namespace expt
