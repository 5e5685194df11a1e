// The backends the contract suite runs against: one entry per backend.
#include "backends.hpp"

#include <atomic>
#include <iostream>

#include "db/open.hpp"
#include "support.hpp"
#if RUNNER_CONTRACT_POSTGRES
#include "pg_cluster.hpp"
#endif

namespace runner::contract {
namespace {

// One directory for the whole run, removed at exit; each database gets a new file in it.
std::string fresh_sqlite_path() {
    static const integration::TempDir dir;
    static std::atomic<int> next{0};
    return dir / ("contract-" + std::to_string(++next) + ".db");
}

OpenOptions options_for(const std::string& version_table) {
    OpenOptions options;
    options.version_table = version_table;
    options.lock_timeout_ms = 2'000;
    return options;
}

std::vector<ContractBackend> available_backends() {
    std::vector<ContractBackend> backends = {
        {"sqlite",
         [](const std::string& version_table) {
             return open_connection(fresh_sqlite_path(), OpenMode::kReadWrite,
                                    options_for(version_table));
         },
         true},
    };
#if RUNNER_CONTRACT_POSTGRES
    // A fresh database of the throwaway cluster (scripts/pg-test-cluster) for each case; the
    // cluster starts with the first case and stops when the run ends.
    if (pgtest::start_cluster()) {
        backends.push_back({"postgresql",
                            [](const std::string& version_table) {
                                return open_connection(pgtest::url_of(pgtest::fresh_database()),
                                                       OpenMode::kReadWrite,
                                                       options_for(version_table));
                            },
                            false});
    } else {
        std::cerr << "contract_tests: no PostgreSQL server here, and it cannot be installed: "
                     "the cases run on SQLite only\n";
    }
#endif
    return backends;
}

}  // namespace

const std::vector<ContractBackend>& contract_backends() {
    static const std::vector<ContractBackend> backends = available_backends();
    return backends;
}

std::string create_table_sql(const std::string& name) {
    return "CREATE TABLE " + name + " (x INTEGER)";
}

}  // namespace runner::contract
