// Entry point: the one place that catches errors and turns them into exit codes.
#include <exception>
#include <iostream>

#include "cli/app.hpp"
#include "db/database.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
    try {
        return runner::run_cli(argc, argv, std::cout, std::cerr);
    } catch (const runner::UsageError& e) {
        std::cerr << "runner: error: " << e.what() << "\n";
        return runner::kExitUsage;
    } catch (const runner::StatementError& e) {
        std::cerr << "runner: error: " << e.what() << "\n    " << e.excerpt() << "\n";
        return runner::kExitError;
    } catch (const std::exception& e) {
        std::cerr << "runner: error: " << e.what() << "\n";
        return runner::kExitError;
    }
}
