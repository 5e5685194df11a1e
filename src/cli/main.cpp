// Entry point: the one place that catches errors and turns them into exit codes.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>

#include "cli/app.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace {

int run(int argc, char** argv) {
    try {
        return runner::run_cli(argc, argv, std::cout, std::cerr);
    } catch (const runner::Error& e) {
        std::cerr << "runner: error: " << runner::terminal_safe(e.what()) << "\n";
        for (const auto& detail : e.details()) {
            std::cerr << "    " << runner::terminal_safe(detail) << "\n";
        }
        return e.exit_code();
    } catch (const std::exception& e) {
        // Every failure a user can act on is an Error; anything else is a bug in runner.
        std::cerr << "runner: internal error: " << runner::terminal_safe(e.what()) << "\n";
        return runner::kExitError;
    } catch (...) {
        std::cerr << "runner: internal error: unknown exception\n";
        return runner::kExitError;
    }
}

}  // namespace

int main(int argc, char** argv) {
    int code = run(argc, argv);
    // Output a pipeline never received is a failure, even when everything else went well
    // (runner history > /dev/full).
    errno = 0;
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
        const int why = errno;
        std::cerr << "runner: error: cannot write to standard output"
                  << (why != 0 ? std::string(": ") + std::strerror(why) : std::string()) << "\n";
        if (code == runner::kExitOk) {
            code = runner::kExitError;
        }
    }
    return code;
}
