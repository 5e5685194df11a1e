// The backends the contract suite runs against: one entry per backend.
#include "backends.hpp"

#include <atomic>

#include "db/open.hpp"
#include "support.hpp"

namespace runner::contract {
namespace {

// One directory for the whole run, removed at exit; each database gets a new file in it.
std::string fresh_sqlite_path() {
    static const integration::TempDir dir;
    static std::atomic<int> next{0};
    return dir / ("contract-" + std::to_string(++next) + ".db");
}

}  // namespace

const std::vector<ContractBackend>& contract_backends() {
    static const std::vector<ContractBackend> backends = {
        {"sqlite",
         [](const std::string& version_table) {
             OpenOptions options;
             options.version_table = version_table;
             options.lock_timeout_ms = 2'000;
             return open_connection(fresh_sqlite_path(), OpenMode::kReadWrite, options);
         },
         true},
    };
    return backends;
}

std::string create_table_sql(const std::string& name) {
    return "CREATE TABLE " + name + " (x INTEGER)";
}

}  // namespace runner::contract
