#include "cli/common_options.h"

#include <map>
#include <string>
#include <vector>

namespace expt {

CLI::Option* add_registry_option(CLI::App& app, RegistryOptions& registry) {
  return app.add_option("--registry", registry.path, "Registry file (default: $EXPT_REGISTRY, else ./expt.db)")
      ->type_name("PATH");
}

void add_format_option(CLI::App& app, OutputFormat& format, std::initializer_list<OutputFormat> allowed) {
  std::map<std::string, OutputFormat> names;
  std::vector<std::string> words;
  std::string listed;
  for (OutputFormat f : allowed) {
    names.emplace(std::string(to_string(f)), f);
    words.emplace_back(to_string(f));
    listed += (listed.empty() ? "" : "|") + words.back();
  }
  format = *allowed.begin();
  app.add_option_function<std::string>(
         "--format", [&format, names](const std::string& word) { format = names.at(word); },
         "Output format: " + listed + " (default: " + words.front() + ")")
      ->check(CLI::IsMember(words))
      ->type_name("FORMAT");
}

}  // namespace expt
