#include <catch2/catch.hpp>

#include "core/assign/bundle_protocol.h"

namespace expt {
namespace {

TEST_CASE("a bundle version is a canonical decimal integer of at least 1", "[bundle]") {
  CHECK(parse_bundle_version("1") == 1);
  CHECK(parse_bundle_version("9223372036854775807") == INT64_MAX);
  for (const char* bad : {"", "0", "01", "-1", "+1", " 1", "1 ", "1.0", "abc", "1e3", "9223372036854775808",
                          "99999999999999999999"}) {
    INFO(bad);
    CHECK(!parse_bundle_version(bad));
  }
}

TEST_CASE("bundle files are named by their versions, and only complete files count", "[bundle]") {
  CHECK(bundle_file_name(7) == "bundle-7.json");
  CHECK(diff_file_name(6, 7) == "diff-6-7.json");
  CHECK(bundle_file_version("bundle-12.json") == 12);
  for (const char* other : {"bundle-.json", "bundle-012.json", "bundle-1.json.tmp-x", ".bundle-1.json.tmp-ab", "latest.json",
                            "diff-1-2.json"}) {
    INFO(other);
    CHECK(!bundle_file_version(other));
  }
  CHECK(is_partial_bundle_file(".bundle-3.json.tmp-abc"));
  CHECK(is_partial_bundle_file(".latest.json.tmp-abc"));
  CHECK(!is_partial_bundle_file("bundle-3.json"));
  CHECK(!is_partial_bundle_file(".bundle-3.json"));
}

TEST_CASE("paths and ETags of the bundle protocol", "[bundle]") {
  CHECK(bundle_path(3) == "/v1/bundle/3");
  CHECK(diff_path(2, 3) == "/v1/diff/2/3");
  CHECK(etag_of("xxh128:ab") == "\"xxh128:ab\"");
  CHECK(content_hash_of_etag("\"xxh128:ab\"") == "xxh128:ab");
  CHECK(!content_hash_of_etag("W/\"xxh128:ab\""));
  CHECK(!content_hash_of_etag("xxh128:ab"));
  const std::string etag = etag_of("xxh128:ab");
  CHECK(if_none_match_matches(etag, etag));
  CHECK(if_none_match_matches("\"x\", " + etag, etag));
  CHECK(if_none_match_matches("W/" + etag, etag));
  CHECK(if_none_match_matches("*", etag));
  CHECK(!if_none_match_matches("\"xxh128:cd\"", etag));
  CHECK(!if_none_match_matches("", etag));
}

}  // namespace
}  // namespace expt
