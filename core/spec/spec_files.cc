#include "core/spec/spec_files.h"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "core/base/text_file.h"
#include "core/spec/parser.h"

namespace expt {

namespace fs = std::filesystem;

namespace {

bool is_yaml(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

void parse_into(SpecInputs& out, std::string name, std::string text) {
  ParsedSpecs parsed = parse_specs(text, name);
  out.files += 1;
  out.documents += parsed.documents;
  out.specs.append(std::move(parsed.specs));
  for (Error& e : parsed.errors) out.errors.push_back(std::move(e));
  out.sources.emplace(std::move(name), std::move(text));
}

}  // namespace

SpecInputs read_spec_inputs(const std::vector<std::string>& inputs, std::istream& stdin_stream) {
  SpecInputs out;
  for (const std::string& input : inputs) {
    if (input == "-") {
      std::string text((std::istreambuf_iterator<char>(stdin_stream)), std::istreambuf_iterator<char>());
      parse_into(out, "-", std::move(text));
      continue;
    }
    std::error_code ec;
    fs::file_status status = fs::status(input, ec);
    if (ec || !fs::exists(status)) {
      out.errors.push_back(Error::io("cannot read '" + input + "': no such file or directory", input));
      continue;
    }
    std::vector<std::string> files;
    if (fs::is_directory(status)) {
      for (auto it = fs::recursive_directory_iterator(input, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file() && is_yaml(it->path())) files.push_back(it->path().generic_string());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(input);
    }
    for (const std::string& file : files) {
      auto text = read_text_file(file);
      if (!text) {
        out.errors.push_back(std::move(text).error());
        continue;
      }
      parse_into(out, file, std::move(*text));
    }
  }
  return out;
}

}  // namespace expt
