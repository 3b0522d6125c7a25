#pragma once
// A stats header that reaches up into spec: the layer check must refuse it.
#include "core/spec/spec.h"
