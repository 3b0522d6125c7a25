#include "commands/lint.h"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/base/finding_codes.h"
#include "core/check/capacity_check.h"
#include "core/check/spec_validator.h"
#include "core/spec/spec_files.h"

namespace expt {

std::string github_escape_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out += c;
    }
  }
  return out;
}

std::string github_escape_property(std::string_view text) {
  std::string out;
  for (char c : github_escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

struct Summary {
  size_t errors = 0;
  size_t warnings = 0;
  size_t files = 0;
  size_t documents = 0;
};

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string summary_line(const Summary& s) {
  std::string scope = fmt::format("{} ({})", plural(s.files, "file"), plural(s.documents, "document"));
  if (s.errors + s.warnings == 0) return "no problems in " + scope;
  return fmt::format("{}, {} in {}", plural(s.errors, "error"), plural(s.warnings, "warning"), scope);
}

void print_human(const std::vector<Error>& findings, const SpecInputs& inputs, const Summary& summary, Io& io) {
  std::string previous_file;
  for (const Error& f : findings) {
    if (!previous_file.empty() && f.location.file != previous_file) io.out << '\n';
    previous_file = f.location.file;
    io.out << painted_diagnostic(f, &inputs.sources, io.color_out, ShowCode::yes);
  }
  if (!findings.empty()) io.out << '\n';
  io.out << summary_line(summary) << '\n';
}

void print_json_findings(const std::vector<Error>& findings, const Summary& summary, Io& io) {
  nlohmann::json list = findings_to_json(findings);
  for (nlohmann::json& f : list) {
    const FindingCode* code = find_finding_code(f["code"].get<std::string>());
    f["name"] = code ? std::string(code->name) : std::string();
  }
  print_json(io.out, {{"findings", list},
                      {"summary",
                       {{"errors", summary.errors},
                        {"warnings", summary.warnings},
                        {"files", summary.files},
                        {"documents", summary.documents}}}});
}

void print_github(const std::vector<Error>& findings, const Summary& summary, Io& io) {
  for (const Error& f : findings) {
    const FindingCode* code = find_finding_code(f.code);
    std::string title = code ? fmt::format("{} {}", code->code, code->name) : f.code;
    std::string properties = "file=" + github_escape_property(f.location.file);
    if (f.location.line > 0) properties += fmt::format(",line={}", f.location.line);
    if (f.location.column > 0) properties += fmt::format(",col={}", f.location.column);
    if (!title.empty()) properties += ",title=" + github_escape_property(title);
    io.out << "::" << (f.severity == Severity::warning ? "warning" : "error") << ' ' << properties
           << "::" << github_escape_data(f.message) << '\n';
  }
  io.out << summary_line(summary) << '\n';
}

// Two spellings of one path ("specs//a.yaml", "./specs/a.yaml") compare equal.
std::string same_file_key(const std::string& file) {
  if (file == "-") return file;
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(file, ec);
  return ec ? file : canonical.string();
}

template <typename Spec>
void keep_other(std::vector<Spec>& from, const std::set<std::string>& linted, std::vector<Spec>& to) {
  for (Spec& spec : from) {
    if (!linted.contains(same_file_key(spec.location.file))) to.push_back(std::move(spec));
  }
}

void keep_other_files(SpecSet& context, const std::set<std::string>& linted, SpecSet& out) {
  keep_other(context.namespaces, linted, out.namespaces);
  keep_other(context.metrics, linted, out.metrics);
  keep_other(context.experiments, linted, out.experiments);
  keep_other(context.global_holdouts, linted, out.global_holdouts);
}

}  // namespace

ExitCode run_lint(const LintOptions& options, Io& io) {
  SpecInputs inputs = read_spec_inputs(options.paths, io.in);
  // Unreadable inputs are a usage problem, not a finding.
  bool unreadable = false;
  std::vector<Error> findings;
  for (Error& e : inputs.errors) {
    if (e.kind == ErrorKind::io) {
      report(io, e);
      unreadable = true;
    } else {
      findings.push_back(std::move(e));
    }
  }
  if (unreadable) return ExitCode::bad_input;

  // --context: the folder's other specs take part in the checks but are not linted themselves.
  // They go first, so a clash between a linted spec and a context spec (reported at the later
  // of the two) is reported in the linted file.
  std::set<std::string> linted_files;
  if (!options.context.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.context, ec)) {
      return report(io, Error::io("--context '" + options.context + "' is not a folder", options.context));
    }
    for (const auto& [file, text] : inputs.sources) linted_files.insert(same_file_key(file));
    SpecInputs context = read_spec_inputs({options.context}, io.in);
    SpecSet merged;
    keep_other_files(context.specs, linted_files, merged);
    merged.append(std::move(inputs.specs));
    inputs.specs = std::move(merged);
  }

  RegistryState existing;
  if (options.use_registry) {
    auto registry = open_registry(options.registry, OpenMode::must_exist, io);
    if (!registry) return report(io, registry.error());
    auto state = (*registry)->read();
    if (!state) return report(io, state.error());
    existing = std::move(*state);
  }
  for (Error& e : validate_spec_set(inputs.specs, existing)) findings.push_back(std::move(e));
  for (Error& e : check_capacity(inputs.specs, existing)) findings.push_back(std::move(e));
  if (!linted_files.empty()) {
    std::erase_if(findings, [&linted_files](const Error& f) {
      return !f.location.file.empty() && !linted_files.contains(same_file_key(f.location.file));
    });
  }
  sort_findings(findings);

  Summary summary;
  summary.files = inputs.files;
  summary.documents = inputs.documents;
  for (const Error& f : findings) (f.severity == Severity::warning ? summary.warnings : summary.errors) += 1;
  switch (options.format) {
    case LintFormat::human: print_human(findings, inputs, summary, io); break;
    case LintFormat::json: print_json_findings(findings, summary, io); break;
    case LintFormat::github: print_github(findings, summary, io); break;
  }
  if (summary.errors > 0 || (options.strict && summary.warnings > 0)) return ExitCode::check_failed;
  return ExitCode::ok;
}

}  // namespace expt
