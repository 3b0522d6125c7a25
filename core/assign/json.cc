#include "core/assign/json.h"

template class nlohmann::basic_json<>;
