#pragma once
// What every subcommand shares: the exit-code contract, the streams and clock it runs with,
// and how an Error becomes text on stderr. Commands take an options struct and an Io and
// return an ExitCode; they never call exit() and never see CLI11 types.

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/clock.h"
#include "core/base/diagnostic.h"
#include "core/base/error.h"
#include "core/process/environment.h"
#include "core/process/progress.h"
#include "core/registry/state.h"
#include "core/usecase/session.h"

namespace expt {

// The contract documented in `expt --help` and docs/cli.md.
enum class ExitCode : int {
  ok = 0,            // success
  check_failed = 1,  // a check found problems: collision, guardrail breach, SRM
  bad_input = 2,     // bad usage or input; nothing was written
};

// --format: the same word means the same shape in every command (docs/cli.md lists which command
// has which). `table` is accepted for human everywhere.
enum class OutputFormat { human, json, csv, jsonl, markdown };

// --color: `automatic` colours a stream that is a terminal, unless NO_COLOR is set.
enum class ColorChoice { automatic, never, always };
std::string_view to_string(OutputFormat);

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  const Clock& clock;
  std::string actor;  // who is recorded in the audit log
  Environment environment;  // read once by cli/main.cc
  bool color_out = false;  // stdout takes ANSI colour
  bool color_err = false;  // stderr takes ANSI colour
  bool err_is_terminal = false;  // stderr is a terminal: progress lines may be drawn there
  std::vector<Error> reported;  // every error the command reported (report()), for --format json
  bool actor_asserted = false;  // `actor` is EXPT_ACTOR's word, not the OS account (AuditStamp::asserted)

  AuditStamp stamp() const;
  // What a use case gets of this run: stdin, `progress`, the environment and the stamp.
  Session session(ProgressReporter& progress) { return Session{in, progress, environment, stamp()}; }
};

// render_diagnostic, with "error:" in red and "warning:" in yellow when `color` is set.
std::string painted_diagnostic(const Error& error, const SourceTexts* sources, bool color,
                               ShowCode show_code = ShowCode::no);

// Writes the error to io.err (with the source line and a caret when `sources` has the file),
// keeps it in io.reported, and returns ExitCode::bad_input.
ExitCode report(Io& io, const Error& error, const SourceTexts* sources = nullptr);

// The errors of a run that ended with exit 2, as `--format json` prints them on stdout:
// {"exit_code": 2, "error": <the first>, "errors": [...]}, each with message, kind, and file,
// line, column, field and code where the error has them. `message` when no Error was kept (a
// usage error of the command line).
nlohmann::json error_json(const std::vector<Error>& errors, const std::string& message = {});

}  // namespace expt
