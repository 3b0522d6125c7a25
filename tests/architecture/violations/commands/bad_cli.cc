// commands must not include cli.
#include "cli/app.h"
