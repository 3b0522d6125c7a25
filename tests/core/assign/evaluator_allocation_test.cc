// Counts this thread's heap allocations by replacing the global operator new in the unit-test
// binary, to hold the SDK to its contract: a reused Evaluation allocates nothing per entity.
#include <cstdlib>
#include <new>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/assign/bundle.h"
#include "core/assign/evaluator.h"
#include "core/plan/bundle_publish.h"
#include "tests/support/fixture_registry.h"

namespace {
thread_local size_t t_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace expt {
namespace {

TEST_CASE("evaluating into a reused Evaluation allocates nothing per entity", "[evaluator][allocation]") {
  Evaluator evaluator;
  REQUIRE(evaluator.load_string(
      canonical_text(bundle_document(bundle_content(testing::running_fixture_registry()), 1, "2026-11-23T12:00:00Z")),
      "bundle-1.json"));
  std::vector<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.push_back(fmt::format("user-{}", i));
  Evaluation evaluation;
  evaluator.assign_into(ids[0], evaluation);  // the first call sizes the layers
  REQUIRE(!evaluation.layers.empty());

  const size_t before = t_allocations;
  size_t in_experiments = 0;
  for (const std::string& id : ids) {
    evaluator.assign_into(id, evaluation);
    for (const EvaluatedLayer& layer : evaluation.layers) in_experiments += layer.experiment.empty() ? 0 : 1;
  }
  CHECK(t_allocations - before == 0);
  CHECK(in_experiments > 0);

  // The counter counts: the allocating form does allocate its vector.
  const size_t counted = t_allocations;
  (void)evaluator.assign(ids[1]);
  CHECK(t_allocations > counted);
}

}  // namespace
}  // namespace expt
