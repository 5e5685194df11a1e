// Runs programs other than runner (git, dot, bash scripts) for the integration tests.
#pragma once

#include <string>
#include <vector>

#include "support.hpp"

namespace runner::integration {

// Runs argv (argv[0] looked up in PATH) in cwd with `input` on stdin, and returns its exit
// code, stdout and stderr. env changes the child's environment as in run_runner (DATABASE_URL
// is removed unless set). A child still running after 60 s is killed (exit code 128 + 9).
RunResult run_program(const std::vector<std::string>& argv, const std::string& cwd,
                      const EnvOverrides& env = {}, const std::string& input = "");

// Whether a program is on PATH.
bool have_program(const std::string& name);

}  // namespace runner::integration
