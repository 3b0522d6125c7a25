#pragma once
// Errors are values. Every failure in core/ is returned as an Error that says where it happened
// (file, line, column, field) so the command layer can render `file:line:col: error: message`
// and pick the exit code. Nothing in core/ throws across its interface.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace expt {

// A position in a named input. Lines and columns are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;  // as the user named it; "-" for stdin; empty when not from a file
  int line = 0;
  int column = 0;

  bool has_position() const { return line > 0; }
};

enum class ErrorKind {
  invalid_input,  // malformed or inconsistent input: a spec, a CSV row, a flag value
  not_found,      // a named thing (experiment, namespace, file) does not exist
  conflict,       // the request contradicts registry state (illegal transition, slot collision)
  io,             // the file system or the database failed
};

enum class Severity { error, warning };

struct Error {
  ErrorKind kind = ErrorKind::invalid_input;
  std::string message;
  SourceLocation location;
  std::string field;  // dotted path of the offending field, e.g. "variants[1].allocation"
  std::string code;   // stable finding code such as "E020"; empty when none applies
  Severity severity = Severity::error;

  static Error invalid(std::string message, SourceLocation location = {}, std::string field = {},
                       std::string code = {}) {
    return Error{ErrorKind::invalid_input, std::move(message), std::move(location),
                 std::move(field), std::move(code)};
  }
  static Error not_found(std::string message) {
    return Error{ErrorKind::not_found, std::move(message), {}, {}, {}};
  }
  static Error conflict(std::string message, std::string code = {}) {
    return Error{ErrorKind::conflict, std::move(message), {}, {}, std::move(code)};
  }
  static Error io(std::string message, std::string file = {}) {
    return Error{ErrorKind::io, std::move(message), SourceLocation{std::move(file)}, {}, {}};
  }
};

// A value or the Error that prevented it; a small stand-in for C++23 std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return m_state.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(m_state); }
  const T& value() const& { return std::get<0>(m_state); }
  T&& value() && { return std::get<0>(std::move(m_state)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(m_state); }
  Error&& error() && { return std::get<1>(std::move(m_state)); }

 private:
  std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)) {}

  bool ok() const { return !m_error.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *m_error; }
  Error&& error() && { return std::move(*m_error); }

 private:
  std::optional<Error> m_error;
};

}  // namespace expt
