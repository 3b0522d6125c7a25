// The docs are tested: every subcommand in the CLI table has help text and a section in
// docs/cli.md, and every finding code is listed in docs/specs.md.

#include <catch2/catch.hpp>
#include <CLI/CLI.hpp>

#include "cli/app.h"
#include "cli/command_docs.h"
#include "core/base/finding_codes.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

std::string doc(const std::string& name) {
  return testing::read_file(std::filesystem::path(EXPT_SOURCE_DIR) / "docs" / name);
}

TEST_CASE("every subcommand has help text and a section in docs/cli.md", "[docs]") {
  const std::string cli_md = doc("cli.md");
  CliContext context;
  auto app = build_app(context);
  const std::string help = app->help();
  REQUIRE_FALSE(subcommand_table().empty());
  for (const SubcommandEntry& entry : subcommand_table()) {
    INFO("subcommand " << entry.name);
    CHECK_FALSE(entry.summary.empty());
    CHECK(help.find(std::string(entry.summary)) != std::string::npos);
    CHECK(cli_md.find("\n## expt " + std::string(entry.name) + "\n") != std::string::npos);
    CLI::App* sub = app->get_subcommand(std::string(entry.name));
    CHECK_FALSE(sub->help().empty());
    for (const CLI::App* nested : sub->get_subcommands([](const CLI::App*) { return true; })) {
      INFO("subcommand " << entry.name << " " << nested->get_name());
      CHECK_FALSE(nested->get_description().empty());
      CHECK(cli_md.find("\n### expt " + std::string(entry.name) + " " + nested->get_name() + "\n") != std::string::npos);
    }
  }
}

// The words of the `expt ...` part of an example: after "expt ", up to a redirection, pipe or
// the end of a process substitution; double quotes group words.
std::vector<std::string> example_words(std::string_view example) {
  std::string_view rest = example.substr(example.find("expt ") + 5);
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, any = false;
  for (char c : rest) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && (c == '>' || c == '|' || c == ')')) {
      break;
    } else if (!quoted && c == ' ') {
      if (any) words.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words.push_back(word);
  return words;
}

TEST_CASE("every command's help has real examples and its own exit codes", "[docs]") {
  CliContext context;
  auto app = build_app(context);
  std::vector<std::string> paths;
  for (const CLI::App* sub : app->get_subcommands({})) {
    paths.push_back(sub->get_name());
    for (const CLI::App* nested : sub->get_subcommands({})) paths.push_back(sub->get_name() + " " + nested->get_name());
  }
  for (const std::string& path : paths) {
    INFO("command " << path);
    const CommandDoc* doc = find_command_doc(path);
    REQUIRE(doc != nullptr);
    CHECK(doc->examples.size() >= 2);
    CHECK(doc->examples.size() <= 3);
    REQUIRE_FALSE(doc->exit_codes.empty());
    CHECK(doc->exit_codes.front().code == 0);
    CHECK(doc->exit_codes.back().code == 2);
    for (const CommandExample& example : doc->examples) {
      INFO("example " << example.command);
      std::vector<std::string> words = example_words(example.command);
      CHECK(std::string(example.command).find("expt " + path) != std::string::npos);
      // The real CLI accepts it (CLI11 parses a reversed vector).
      CliContext fresh;
      auto parser = build_app(fresh);
      std::vector<std::string> reversed(words.rbegin(), words.rend());
      CHECK_NOTHROW(parser->parse(reversed));
    }
  }
}

TEST_CASE("the exit codes and environment variables in --help and the man page match docs/cli.md", "[docs]") {
  const std::string cli_md = doc("cli.md");
  const std::string footer(help_footer());
  for (const ExitMeaning& e : shared_exit_codes()) {
    INFO(e.code);
    CHECK(footer.find(std::to_string(e.code) + "  " + std::string(e.meaning)) != std::string::npos);
    CHECK(cli_md.find("| " + std::to_string(e.code) + " | ") != std::string::npos);
  }
  for (const EnvironmentVariable& v : environment_variables()) {
    INFO(v.name);
    CHECK(footer.find(std::string(v.name) + "  ") != std::string::npos);
    CHECK(cli_md.find("| `" + std::string(v.name) + "` |") != std::string::npos);
  }
}

TEST_CASE("every finding code is documented with its name in docs/lint.md", "[docs]") {
  const std::string lint_md = doc("lint.md");
  for (const FindingCode& c : all_finding_codes()) {
    INFO(c.code);
    CHECK(lint_md.find("| " + std::string(c.code) + " | " + std::string(c.name) + " |") != std::string::npos);
  }
}

}  // namespace
}  // namespace expt
