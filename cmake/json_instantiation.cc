// The one explicit instantiation of nlohmann::json that cmake/precompiled.h declares extern.
#include <nlohmann/json.hpp>

template class nlohmann::basic_json<>;
