#include "cli/common_options.h"

#include <string>
#include <vector>

namespace expt {

CLI::Option* add_registry_option(CLI::App& app, RegistryOptions& registry) {
  return app.add_option("--registry", registry.path, "Registry file (default: $EXPT_REGISTRY, else ./expt.db)")
      ->type_name("PATH");
}

void add_format_option(CLI::App& app, OutputFormat& format, std::initializer_list<OutputFormat> allowed) {
  std::vector<std::pair<std::string, OutputFormat>> words;
  for (OutputFormat f : allowed) words.emplace_back(std::string(to_string(f)), f);
  add_word_option(app, "--format", format, words, "Output format")->type_name("FORMAT");
}

}  // namespace expt
