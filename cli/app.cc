#include "cli/app.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>
#include <map>
#include <vector>

#include "cli/command_docs.h"
#include "cli/command_model.h"
#include "cli/common_options.h"
#include "cli/documentation.h"
#include "core/base/edit_distance.h"

namespace expt {

namespace {

// CLI11's help, tuned to read like git's: "Usage: expt analyze [OPTIONS] EXPERIMENT", positionals
// by their value name, one blank line between option groups, allowed words in the description.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string) const override {
    std::string path;
    for (const CLI::App* a = app; a->get_parent() != nullptr; a = a->get_parent()) path = " " + a->get_name() + path;
    std::string out = "Usage: expt" + path + " [OPTIONS]";
    for (const CLI::Option* o : app->get_options([](const CLI::Option* opt) { return opt->get_positional(); })) {
      out += " " + make_option_usage(o);
    }
    if (!app->get_subcommands({}).empty()) out += " COMMAND";
    return out + "\n";
  }
  std::string make_option_usage(const CLI::Option* opt) const override {
    std::string name = opt->get_type_name();
    if (opt->get_expected_max() > 1) name += "...";
    return opt->get_required() ? name : "[" + name + "]";
  }
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    return is_positional ? make_option_usage(opt) : CLI::Formatter::make_option_name(opt, false);
  }
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (opt->get_positional() || opt->get_type_size() == 0) return "";
    std::string type = opt->get_type_name();
    return " " + type.substr(0, type.find(':')) + (opt->get_required() ? " (required)" : "");
  }
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    return make_description(app) + "\n" + make_usage(app, name) + make_positionals(app) + option_groups(app) +
           make_subcommands(app, mode) + make_footer(app);
  }
  std::string option_groups(const CLI::App* app) const {
    std::string out;
    for (const std::string& group : app->get_groups()) {
      std::vector<const CLI::Option*> opts = app->get_options([app, &group](const CLI::Option* opt) {
        return opt->get_group() == group && opt->nonpositional() && app->get_help_ptr() != opt;
      });
      if (!group.empty() && !opts.empty()) out += make_group(group, false, opts);
    }
    return out;
  }
  std::string make_positionals(const CLI::App* app) const override {
    std::vector<const CLI::Option*> opts =
        app->get_options([](const CLI::Option* opt) { return !opt->get_group().empty() && opt->get_positional(); });
    return opts.empty() ? "" : make_group("Arguments", true, opts);
  }
  std::string make_footer(const CLI::App* app) const override {
    return app->get_footer().empty() ? "" : "\n" + app->get_footer() + "\n";
  }
};

// `path` of a subcommand: "analyze", "export bundle".
std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* a = &app; a->get_parent() != nullptr; a = a->get_parent()) {
    path = path.empty() ? a->get_name() : a->get_name() + " " + path;
  }
  return path;
}

// Each command's help ends with its own examples and exit codes (CLI11 would otherwise copy the
// top-level footer into every subcommand), and every command lists --registry.
void finish_command(CLI::App& sub, CliContext& context) {
  const std::string path = command_path(sub);
  if (const CommandDoc* doc = find_command_doc(path)) sub.footer(help_footer_of(*doc));
  if (sub.get_subcommands({}).empty() && path != "help" && path != "completion" && path != "serve" && path != "watch") {
    context.registry_flags.push_back(add_registry_option(sub, context.registry));
  }
  for (CLI::App* nested : sub.get_subcommands({})) {
    nested->group("Commands");
    finish_command(*nested, context);
  }
}

const CLI::Option* find_option(const CLI::App& app, std::string_view name) {
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* option : a->get_options()) {
      for (const std::string& l : option->get_lnames()) {
        if (name == "--" + l) return option;
      }
      for (const std::string& s : option->get_snames()) {
        if (name == "-" + s) return option;
      }
    }
  }
  return nullptr;
}

std::vector<std::string> long_option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* option : a->get_options()) {
      for (const std::string& l : option->get_lnames()) names.push_back("--" + l);
    }
  }
  return names;
}

std::string subcommand_list(const CLI::App& app) {
  std::string list;
  for (const CLI::App* sub : app.get_subcommands({})) list += (list.empty() ? "" : ", ") + sub->get_name();
  return list;
}

// Walks the words of the command line down the command tree, as CLI11 will, and explains the
// first word that names no command or option, with the closest name. CLI11 itself would only
// say "A subcommand is required" or "The following arguments were not expected".
std::optional<std::string> explain_unknown_word(const CLI::App& root, int argc, char** argv) {
  const CLI::App* level = &root;
  bool asks_help = false;
  auto where = [&level]() {
    std::string path = command_path(*level);
    return path.empty() ? std::string("expt") : "expt " + path;
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") return std::nullopt;
    if (word.size() > 1 && word[0] == '-') {
      std::string_view name = word.substr(0, word.find('='));
      if (name == "-h" || name == "--help" || name == "--version") asks_help = true;
      const CLI::Option* option = find_option(*level, name);
      if (option == nullptr) {
        if (name.starts_with("--")) {
          std::vector<std::string> names = long_option_names(*level);
          std::string match = closest_match(name, std::vector<std::string_view>(names.begin(), names.end()));
          std::string text = "error: unknown option '" + std::string(name) + "' for `" + where() + "`";
          if (!match.empty()) text += ", did you mean '" + match + "'?";
          return text + "\nrun `expt help" + (level == &root ? "" : " " + command_path(*level)) + "` for its options";
        }
        return std::nullopt;  // CLI11 explains short flags and negative numbers
      }
      if (option->get_type_size() > 0 && name.size() == word.size()) ++i;  // skip its value
      continue;
    }
    std::vector<const CLI::App*> subs = level->get_subcommands({});
    if (subs.empty()) continue;  // a positional argument; options may still follow it
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : subs) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      std::vector<std::string_view> names;
      for (const CLI::App* sub : subs) names.push_back(sub->get_name());
      std::string match = closest_match(word, names);
      std::string text = "error: unknown command '" + std::string(word) + "'";
      if (level != &root) text += " for `" + where() + "`";
      if (!match.empty()) text += ", did you mean '" + match + "'?";
      if (level == &root) return text + "\nrun `expt help` for the list of commands";
      return text + "\n`" + where() + "` takes one of: " + subcommand_list(*level);
    }
    level = next;
  }
  if (!asks_help && !level->get_subcommands({}).empty() && level->get_require_subcommand_min() > 0 && level != &root) {
    return "error: `" + where() + "` needs a command: " + subcommand_list(*level) + "\nrun `expt help " +
           command_path(*level) + "` for details";
  }
  return std::nullopt;
}

// `expt help [COMMAND...]`: the help of the named command, or an error naming the closest.
std::optional<int> print_help(CLI::App& root, const CliContext& context) {
  if (context.help_man) {
    std::cout << render_man_page(describe_cli(root));
    return 0;
  }
  CLI::App* target = &root;
  for (const std::string& word : context.help_topic) {
    CLI::App* next = nullptr;
    std::vector<std::string_view> names;
    for (CLI::App* sub : target->get_subcommands({})) {
      names.push_back(sub->get_name());
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      std::string match = closest_match(word, names);
      std::cerr << "error: no command '" << word << "'" << (target == &root ? "" : " in `expt " + command_path(*target) + "`");
      if (!match.empty()) std::cerr << ", did you mean '" << match << "'?";
      std::cerr << "\nrun `expt help` for the list of commands\n";
      return static_cast<int>(ExitCode::bad_input);
    }
    target = next;
  }
  // App::help() would describe the subcommand just parsed (help itself) instead of `target`.
  std::cout << target->get_formatter()->make_help(target, "", CLI::AppFormatMode::Normal);
  return 0;
}

// Option values that may hold a secret (a warehouse URL's password, a notify command's token)
// never appear in a usage error: each is replaced by the option's name in angle brackets.
std::string without_secrets(std::string text, int argc, char** argv) {
  constexpr std::string_view secret_options[] = {"--source", "--notify-command", "--server"};
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    for (std::string_view option : secret_options) {
      std::string value;
      if (word == option && i + 1 < argc) value = argv[i + 1];
      if (word.starts_with(std::string(option) + "=")) value = std::string(word.substr(option.size() + 1));
      if (value.empty()) continue;
      const std::string placeholder = "<" + std::string(option.substr(2)) + " value>";
      // Whole words only: a value that is also part of other text ("x" in "expt") stays there.
      auto edge = [&text](size_t at) { return at >= text.size() || std::string_view(" \t\n'\"=,:").find(text[at]) != std::string_view::npos; };
      for (size_t at = text.find(value); at != std::string::npos; at = text.find(value, at + 1)) {
        if ((at == 0 || edge(at - 1)) && edge(at + value.size())) text.replace(at, value.size(), placeholder);
      }
    }
  }
  return text;
}

}  // namespace

bool CliContext::registry_given() const {
  for (const CLI::Option* flag : registry_flags) {
    if (flag->count() > 0) return true;
  }
  return false;
}

std::string_view help_footer() {
  static const std::string footer = [] {
    std::string text = "Exit codes (each command's help lists its own):\n";
    for (const ExitMeaning& e : shared_exit_codes()) text += "  " + std::to_string(e.code) + "  " + std::string(e.meaning) + "\n";
    text += "\nEnvironment:\n";
    size_t width = 0;
    for (const EnvironmentVariable& v : environment_variables()) width = std::max(width, v.name.size());
    for (const EnvironmentVariable& v : environment_variables()) {
      text += "  " + std::string(v.name) + std::string(width + 2 - v.name.size(), ' ') + std::string(v.meaning) + "\n";
    }
    text += "\nRun `expt help COMMAND` for a command's options, examples and exit codes.\n" + documentation_pointer();
    return text;
  }();
  return footer;
}

std::unique_ptr<CLI::App> build_app(CliContext& context) {
  auto app = std::make_unique<CLI::App>(
      "expt: one framework for A/B tests, multivariate tests, holdouts and rollouts over a shared registry",
      "expt");
  app->set_version_flag("-V,--version", EXPT_VERSION);
  app->formatter(std::make_shared<HelpFormatter>());
  app->get_formatter()->column_width(28);
  app->set_help_flag("-h,--help", "Print this help and exit");
  app->require_subcommand(1);
  app->fallthrough();
  // CLI11's own usage errors in expt's form: "error: ...", then where to read more.
  app->failure_message([](const CLI::App*, const CLI::Error& e) {
    return "error: " + std::string(e.what()) + "\nrun `expt help` or `expt COMMAND --help` for usage\n";
  });
  context.registry_flags.push_back(add_registry_option(*app, context.registry));
  add_color_option(*app, context.color);
  for (const SubcommandEntry& entry : subcommand_table()) {
    CLI::App* sub = app->add_subcommand(std::string(entry.name), std::string(entry.summary));
    sub->group(std::string(entry.group));
    entry.setup(*sub, context);
    finish_command(*sub, context);
  }
  app->footer(std::string(help_footer()));
  return app;
}

CommandModel describe_cli(const CLI::App& app) {
  CommandModel model;
  model.path = command_path(app);
  model.name = app.get_name();
  model.description = app.get_description();
  model.doc = find_command_doc(model.path);
  for (const CLI::Option* option : app.get_options()) {
    OptionModel o;
    for (const std::string& l : option->get_lnames()) o.flags.push_back("--" + l);
    for (const std::string& s : option->get_snames()) o.flags.insert(o.flags.begin(), "-" + s);
    o.positional = option->get_positional() && o.flags.empty();
    o.name = o.positional ? option->get_name() : o.flags.back();
    o.value_name = option->get_type_size() > 0 ? option->get_type_name() : "";
    o.value_name = o.value_name.substr(0, o.value_name.find(':'));  // without CLI11's ":{a,b}" suffix
    o.description = option->get_description();
    o.group = option->get_group();
    o.required = option->get_required();
    o.repeatable = option->get_expected_max() > 1;
    // Word options carry their allowed words in an IsMember validator described as {a,b,c}.
    for (int i = 0;; ++i) {
      const CLI::Validator* v = nullptr;
      try {
        v = const_cast<CLI::Option*>(option)->get_validator(i);
      } catch (const CLI::OptionNotFound&) {
        break;  // past the last validator
      }
      if (v == nullptr) break;
      std::string desc = v->get_description();
      if (desc.size() > 2 && desc.front() == '{' && desc.back() == '}') {
        std::string word;
        for (char c : desc.substr(1, desc.size() - 2) + ",") {
          if (c == ',') {
            if (!word.empty()) o.choices.push_back(word);
            word.clear();
          } else if (c != ' ') {
            word += c;
          }
        }
      }
    }
    model.options.push_back(std::move(o));
  }
  for (const CLI::App* sub : app.get_subcommands({})) model.subcommands.push_back(describe_cli(*sub));
  return model;
}

std::optional<int> parse_command_line(CliContext& context, int argc, char** argv) {
  auto app = build_app(context);
  // Bare `expt` is a question: the overview answers it.
  if (argc == 1) {
    std::cout << app->help();
    return 0;
  }
  if (auto message = explain_unknown_word(*app, argc, argv)) {
    std::cerr << *message << "\n";
    context.usage_error = message->substr(0, message->find('\n'));
    if (context.usage_error.starts_with("error: ")) context.usage_error.erase(0, 7);
    return static_cast<int>(ExitCode::bad_input);
  }
  for (int i = 0; i < argc; ++i) {
    std::string word = i == 0 ? "expt" : argv[i];
    if (word.find_first_of(" '\"$") != std::string::npos) word = "'" + word + "'";
    context.command_line += (i ? " " : "") + word;
  }
  try {
    app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    const int code = app->exit(e, out, err);
    std::cout << out.str();
    const std::string said = without_secrets(err.str(), argc, argv);
    std::cerr << said;
    context.usage_error = said.substr(0, said.find('\n'));
    if (context.usage_error.starts_with("error: ")) context.usage_error.erase(0, 7);
    // CLI11 uses 100-127 for its own failures; the contract has one code for bad usage.
    return code == 0 ? 0 : static_cast<int>(ExitCode::bad_input);
  }
  if (context.help_requested) {
    if (!context.completion_shell.empty()) {
      CommandModel model = describe_cli(*app);
      std::cout << (context.completion_shell == "bash" ? render_bash_completion(model) : render_zsh_completion(model));
      return 0;
    }
    return print_help(*app, context);
  }
  return std::nullopt;
}

}  // namespace expt
