// Shell completion scripts from the command model. Both shells share the same generated lookup
// functions (POSIX `case` over the command path); only the glue to each completion system
// differs. Experiment and namespace names are completed from the registry at completion time.

#include <functional>
#include <string>

#include "cli/command_model.h"

namespace expt {

namespace {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void each_command(const CommandModel& command, const std::function<void(const CommandModel&)>& visit) {
  visit(command);
  for (const CommandModel& sub : command.subcommands) each_command(sub, visit);
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// What to complete after an option or at a positional, from its value name.
std::string value_kind(const OptionModel& o) {
  if (!o.choices.empty()) return "words " + join(o.choices);
  if (o.value_name == "DIR") return "dirs";
  if (o.value_name == "FILE" || o.value_name == "PATH") return "files";
  if (o.value_name == "EXPERIMENT") return "experiments";
  if (o.value_name == "NAMESPACE") return "namespaces";
  return "none";
}

// The lookups both shells call: _expt_commands PATH, _expt_options PATH, _expt_value PATH WORD
// (what follows an option, or "" for a flag), _expt_positional PATH, and descriptions.
std::string lookup_functions(const CommandModel& root) {
  std::string commands = "_expt_commands() {\n  case \"$1\" in\n";
  std::string options = "_expt_options() {\n  case \"$1\" in\n";
  std::string values = "_expt_value() {\n  case \"$1|$2\" in\n";
  std::string positional = "_expt_positional() {\n  case \"$1\" in\n";
  std::string describe = "_expt_describe() {\n  case \"$1\" in\n";
  each_command(root, [&](const CommandModel& c) {
    const std::string key = shell_quote(c.path);
    if (!c.subcommands.empty()) {
      std::vector<std::string> names;
      for (const CommandModel& sub : c.subcommands) {
        names.push_back(sub.name);
        describe += "    " + shell_quote(sub.path) + ") printf '%s\\n' " + shell_quote(sub.description) + " ;;\n";
      }
      commands += "    " + key + ") echo " + shell_quote(join(names)) + " ;;\n";
    }
    std::vector<std::string> flags;
    for (const OptionModel& o : c.options) {
      if (o.positional) {
        positional += "    " + key + ") echo " + shell_quote(value_kind(o)) + " ;;\n";
        continue;
      }
      for (const std::string& f : o.flags) {
        if (!f.starts_with("--")) continue;
        flags.push_back(f);
        describe += "    " + shell_quote(c.path + " " + f) + ") printf '%s\\n' " + shell_quote(o.description) + " ;;\n";
        if (!o.value_name.empty()) values += "    " + shell_quote(c.path + "|" + f) + ") echo " + shell_quote(value_kind(o)) + " ;;\n";
      }
    }
    options += "    " + key + ") echo " + shell_quote(join(flags)) + " ;;\n";
  });
  commands += "  esac\n}\n";
  options += "  esac\n}\n";
  values += "    *) return 1 ;;\n  esac\n}\n";
  positional += "    *) echo files ;;\n  esac\n}\n";
  describe += "  esac\n}\n";
  return commands + options + values + positional + describe + R"SH(
# Reads the words before the cursor: sets _expt_path to the command path, _expt_after to what
# the word at the cursor is the value of ("" when it is not an option's value), and
# _expt_registry to --registry's value if given.
_expt_walk() {
  _expt_path="" _expt_after="" _expt_registry=""
  local w kind i=1 expect=""
  while [ "$i" -lt "$#" ]; do
    eval "w=\${$i}"
    if [ -n "$expect" ]; then
      [ "$expect" = "--registry" ] && _expt_registry=$w
      expect=""
    elif [ "${w#-}" != "$w" ]; then
      if kind=$(_expt_value "$_expt_path" "$w") || kind=$(_expt_value "" "$w"); then expect=$w; fi
    else
      case " $(_expt_commands "$_expt_path") " in
        *" $w "*) _expt_path=${_expt_path:+$_expt_path }$w ;;
      esac
    fi
    i=$((i + 1))
  done
  _expt_after=$expect
}

# The command's options and those of expt itself (accepted after the command too), once each.
_expt_all_options() {
  printf '%s\n' $(_expt_options "$1") $(_expt_options "") | sort -u
}

# The statuses of the experiments a command takes: start only drafts, stop only running ones,
# archive stopped ones and drafts; results every experiment; the rest all but archived ones.
_expt_statuses() {
  case "$1" in
    start|allocate|check|"review request"|"review approve"|"review reject") echo draft ;;
    stop) echo running ;;
    archive) echo "draft stopped" ;;
    results|audit) echo "draft running stopped archived" ;;
    *) echo "draft running stopped" ;;
  esac
}

# Keys of namespaces, or of the experiments command $_expt_path takes, in the registry, for
# completion; nothing if there is none.
_expt_keys() {
  if [ "$1" = namespaces ]; then
    command expt ${_expt_registry:+--registry "$_expt_registry"} list --format csv 2>/dev/null |
      tail -n +2 | cut -d, -f2 | sort -u
    return
  fi
  command expt ${_expt_registry:+--registry "$_expt_registry"} list --format csv 2>/dev/null |
    tail -n +2 | awk -F, -v ok=" $(_expt_statuses "$_expt_path") " 'index(ok, " " $4 " ") { print $1 }' | sort -u
}
)SH";
}

}  // namespace

std::string render_bash_completion(const CommandModel& root) {
  return "# bash completion for expt; generated by `expt completion bash` from the command table.\n" +
         lookup_functions(root) + R"SH(
_expt() {
  local cur=${COMP_WORDS[COMP_CWORD]} kind
  _expt_walk "${COMP_WORDS[@]:1:COMP_CWORD}"
  if [ -n "$_expt_after" ]; then
    kind=$(_expt_value "$_expt_path" "$_expt_after") || kind=$(_expt_value "" "$_expt_after")
  elif [ "${cur#-}" != "$cur" ]; then
    COMPREPLY=($(compgen -W "$(_expt_all_options "$_expt_path")" -- "$cur"))
    return
  elif [ -n "$(_expt_commands "$_expt_path")" ]; then
    COMPREPLY=($(compgen -W "$(_expt_commands "$_expt_path")" -- "$cur"))
    return
  else
    kind=$(_expt_positional "$_expt_path")
  fi
  case $kind in
    words\ *) COMPREPLY=($(compgen -W "${kind#words }" -- "$cur")) ;;
    files) COMPREPLY=($(compgen -f -- "$cur")) ;;
    dirs) COMPREPLY=($(compgen -d -- "$cur")) ;;
    experiments|namespaces) COMPREPLY=($(compgen -W "$(_expt_keys "$kind")" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
complete -o default -F _expt expt
)SH";
}

std::string render_zsh_completion(const CommandModel& root) {
  return "#compdef expt\n# zsh completion for expt; generated by `expt completion zsh` from the command table.\n" +
         lookup_functions(root) + R"SH(
_expt() {
  local cur=${words[CURRENT]} kind w
  local -a items
  _expt_walk "${(@)words[2,CURRENT]}"
  if [[ -n $_expt_after ]]; then
    kind=$(_expt_value "$_expt_path" "$_expt_after") || kind=$(_expt_value "" "$_expt_after")
  elif [[ $cur == -* ]]; then
    for w in ${=$(_expt_all_options "$_expt_path")}; do
      items+=("$w:$(_expt_describe "$_expt_path $w" || true)")
    done
    _describe -t options option items
    return
  elif [[ -n $(_expt_commands "$_expt_path") ]]; then
    for w in ${=$(_expt_commands "$_expt_path")}; do
      items+=("$w:$(_expt_describe "${_expt_path:+$_expt_path }$w")")
    done
    _describe -t commands command items
    return
  else
    kind=$(_expt_positional "$_expt_path")
  fi
  case $kind in
    words\ *) compadd -- ${=kind#words } ;;
    files) _files ;;
    dirs) _files -/ ;;
    experiments|namespaces) compadd -- ${(f)"$(_expt_keys $kind)"} ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _expt "$@"; else compdef _expt expt; fi
)SH";
}

}  // namespace expt
