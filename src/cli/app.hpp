// The command line: global options, then dispatch to the command table.
#pragma once

#include <iosfwd>

namespace runner {

// Runs runner with argv; returns the exit code. Throws Error/UsageError for main() to report.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace runner
