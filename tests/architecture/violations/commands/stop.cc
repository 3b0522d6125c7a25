// One command including another's header.
#include "commands/start.h"
