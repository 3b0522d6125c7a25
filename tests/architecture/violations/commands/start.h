// A command.
#pragma once
