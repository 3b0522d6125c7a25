#include "core/registry/lifecycle.h"

#include <catch2/catch.hpp>

namespace expt {
namespace {

using S = ExperimentStatus;
using T = Transition;

TEST_CASE("the legal transitions are draft->running->stopped->archived and draft->archived", "[lifecycle]") {
  struct Row {
    S from;
    T transition;
    bool legal;
  };
  // The whole table: every status times every transition.
  const Row table[] = {
      {S::draft, T::start, true},     {S::draft, T::stop, false},     {S::draft, T::archive, true},
      {S::running, T::start, true},   {S::running, T::stop, true},    {S::running, T::archive, false},
      {S::stopped, T::start, false},  {S::stopped, T::stop, true},    {S::stopped, T::archive, true},
      {S::archived, T::start, false}, {S::archived, T::stop, false},  {S::archived, T::archive, true},
  };
  for (const Row& row : table) {
    INFO(to_string(row.from) << " + " << to_string(row.transition));
    auto next = next_status("x", row.from, row.transition);
    CHECK(next.ok() == row.legal);
    if (next) CHECK(*next == target_status(row.transition));
  }
}

TEST_CASE("asking for the status an experiment already has changes nothing", "[lifecycle]") {
  CHECK(*next_status("x", S::running, T::start) == S::running);
  CHECK(*next_status("x", S::stopped, T::stop) == S::stopped);
  CHECK(*next_status("x", S::archived, T::archive) == S::archived);
}

TEST_CASE("illegal transitions say why and what to do instead", "[lifecycle]") {
  CHECK(next_status("cta", S::running, T::archive).error().message ==
        "experiment 'cta' is running; stop it before archiving (expt stop cta)");
  CHECK(next_status("cta", S::draft, T::stop).error().message ==
        "experiment 'cta' is a draft and was never started; archive it instead (expt archive cta)");
  CHECK(next_status("cta", S::stopped, T::start).error().message ==
        "experiment 'cta' is stopped and cannot restart: its users were already exposed and analysed; "
        "create a new experiment instead");
  CHECK(next_status("cta", S::archived, T::start).error().message ==
        "experiment 'cta' is archived; archived experiments are read-only");
  CHECK(next_status("cta", S::archived, T::start).error().kind == ErrorKind::conflict);
}

TEST_CASE("a stopped experiment keeps its slots until archived", "[lifecycle]") {
  CHECK(holds_slots(S::draft));
  CHECK(holds_slots(S::running));
  CHECK(holds_slots(S::stopped));
  CHECK_FALSE(holds_slots(S::archived));
}

TEST_CASE("statuses round-trip through their names", "[lifecycle]") {
  for (S s : {S::draft, S::running, S::stopped, S::archived}) CHECK(parse_experiment_status(to_string(s)) == s);
  CHECK_FALSE(parse_experiment_status("paused").has_value());
}

}  // namespace
}  // namespace expt
