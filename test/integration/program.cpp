// Runs programs other than runner (git, dot, bash scripts) for the integration tests.
#include "program.hpp"

#include <chrono>

namespace runner::integration {

RunResult run_program(const std::vector<std::string>& argv, const std::string& cwd,
                      const EnvOverrides& env, const std::string& input) {
    ProcessOptions options;
    options.argv = argv;
    options.search_path = true;
    options.cwd = cwd;
    options.env = env;
    options.input = input;
    options.timeout = std::chrono::seconds(60);
    return run_process(options);
}

bool have_program(const std::string& name) {
    const TempDir tmp;
    return run_program({"sh", "-c", "command -v \"$0\" >/dev/null", name}, tmp.path()).exit_code ==
           0;
}

}  // namespace runner::integration
