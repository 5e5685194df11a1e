// The command table: every command's name, one-line summary and entry point.
#pragma once

#include <vector>

#include "commands/commands.hpp"

namespace runner {

struct Command {
    const char* name;
    const char* summary;
    int (*run)(Context& ctx, const Args& args);
};

// Every command, in the order `runner --help` lists them.
const std::vector<Command>& all_commands();

}  // namespace runner
