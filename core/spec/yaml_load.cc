#include "core/spec/yaml_load.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "core/base/finding_codes.h"

namespace expt {

namespace {

Error yaml_error(const std::string& file, const YAML::Mark& mark, std::string message) {
  SourceLocation location{file};
  if (!mark.is_null()) location = SourceLocation{file, mark.line + 1, mark.column + 1};
  return Error::invalid("invalid YAML: " + std::move(message), location, "", std::string(code::yaml_syntax));
}

// Watches the parser's events: how deep collections nest, and whether each document starts
// somewhere new (a document starting where the previous one did means the parser is stuck).
class Watch final : public YAML::EventHandler {
 public:
  bool stuck = false;
  bool too_deep = false;
  YAML::Mark where;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (m_documents > 0 && mark.pos == m_last_start.pos) {
      stuck = true;
      where = mark;
    }
    m_last_start = mark;
    ++m_documents;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnSequenceEnd() override { --m_depth; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnMapEnd() override { --m_depth; }

 private:
  void enter(const YAML::Mark& mark) {
    if (++m_depth > k_max_yaml_depth && !too_deep) {
      too_deep = true;
      where = mark;
    }
  }
  int m_depth = 0;
  size_t m_documents = 0;
  YAML::Mark m_last_start;
};

}  // namespace

Result<std::vector<YAML::Node>> load_yaml_documents(std::string_view text, const std::string& file) {
  if (text.size() > k_max_yaml_bytes) {
    return Error::invalid("a spec file may be at most " + std::to_string(k_max_yaml_bytes >> 20) + " MiB; this one is " +
                              std::to_string(text.size()) + " bytes",
                          SourceLocation{file}, "", std::string(code::yaml_syntax));
  }
  const std::string owned(text);
  try {
    std::istringstream in(owned);
    YAML::Parser parser(in);
    Watch watch;
    while (parser.HandleNextDocument(watch)) {
      if (watch.stuck) {
        const size_t at = static_cast<size_t>(watch.where.pos);
        const char c = at < owned.size() ? owned[at] : '\0';
        return yaml_error(file, watch.where,
                          c == ','   ? "',' outside a flow collection ([...] or {...})"
                          : c != '\0' ? std::string("unexpected '") + c + "' at the start of a document"
                                      : "the parser cannot continue here");
      }
      if (watch.too_deep) {
        return yaml_error(file, watch.where,
                          "collections nested deeper than " + std::to_string(k_max_yaml_depth) + " levels");
      }
    }
    return YAML::LoadAll(owned);
  } catch (const YAML::Exception& e) {
    return yaml_error(file, e.mark, e.msg == "bad file" ? "collections nested too deeply" : e.msg);
  }
}

}  // namespace expt
