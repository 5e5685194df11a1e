// The backends the contract suite runs against. A new backend adds one entry in backends.cpp;
// every contract case then runs on it too.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace runner::contract {

struct ContractBackend {
    std::string name;
    // A fresh, empty database opened read-write, with runner's bookkeeping named after
    // `version_table`. Throws when the backend cannot run here.
    std::function<std::unique_ptr<Connection>(const std::string& version_table)> open_fresh;
    // Whether it has the foreign-key step guard (backends that enforce keys themselves do not).
    bool foreign_key_guard = false;
};

// Every backend available in this build and on this machine.
const std::vector<ContractBackend>& contract_backends();

// A statement the backend accepts that creates table `name` with one integer column `x`.
std::string create_table_sql(const std::string& name);

}  // namespace runner::contract
