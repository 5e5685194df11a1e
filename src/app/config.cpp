// Where settings come from: command-line flags, then DATABASE_URL, then runner.ini, then defaults.
#include "app/config.hpp"

#include <fstream>

#include <boost/filesystem.hpp>
#include <boost/program_options.hpp>

#include "migration/header.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

namespace fs = boost::filesystem;
namespace po = boost::program_options;

// Makes a relative path or sqlite:/// URL from the config file relative to the file's folder.
std::string relative_to(const std::string& base_dir, const std::string& value) {
    if (base_dir.empty() || value.empty()) {
        return value;
    }
    const std::string sqlite_prefix = "sqlite:///";
    if (value.rfind(sqlite_prefix, 0) == 0) {
        const std::string path = value.substr(sqlite_prefix.size());
        if (!path.empty() && path.front() != '/') {
            return sqlite_prefix + (fs::path(base_dir) / path).string();
        }
        return value;
    }
    if (value.find("://") != std::string::npos || fs::path(value).is_absolute()) {
        return value;
    }
    return (fs::path(base_dir) / value).string();
}

}  // namespace

int parse_retries(const std::string& value, const std::string& what) {
    const bool digits = !value.empty() && value.size() <= 3 &&
                        value.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(value) > 100) {
        throw Error(what + " takes a whole number from 0 to 100, not '" + value + "'");
    }
    return std::stoi(value);
}

LockStrategy parse_lock_strategy(const std::string& value, const std::string& what) {
    if (value == "advisory") {
        return LockStrategy::kAdvisory;
    }
    if (value == "table") {
        return LockStrategy::kTable;
    }
    throw Error(what + " takes 'advisory' (the default) or 'table', not '" + value + "'");
}

Settings resolve_settings(const Overrides& overrides, const char* database_url_env) {
    Settings s;
    std::string file = overrides.config_file.value_or("runner.ini");
    const bool explicit_file = overrides.config_file.has_value();
    boost::system::error_code ec;
    if (fs::exists(file, ec)) {
        if (fs::is_directory(file, ec)) {
            throw Error("config file " + file +
                        " is a directory; -c/--config names a file such as runner.ini (the "
                        "migrations directory is --dir)");
        }
        std::ifstream in(file);
        if (!in) {
            throw Error("cannot read config file " + file);
        }
        po::options_description keys;
        for (const std::string prefix : {"", "runner."}) {
            for (const char* key : {"db", "dir", "version_table", "create", "schema_file", "schema",
                                    "version_table_schema", "lock_timeout", "statement_timeout",
                                    "retries", "lock_strategy", "lock_lease"}) {
                keys.add_options()((prefix + key).c_str(), po::value<std::string>());
            }
        }
        po::variables_map vm;
        try {
            po::store(po::parse_config_file(in, keys), vm);
        } catch (const po::error& e) {
            throw Error(file + ": " + e.what() +
                        " (known keys: db, dir, version_table, create, schema_file, schema, "
                        "version_table_schema, lock_timeout, statement_timeout, retries, "
                        "lock_strategy, lock_lease; "
                        "optionally under [runner])");
        }
        const std::string base = fs::path(file).parent_path().string();
        const auto get = [&vm](const char* key) -> std::optional<std::string> {
            for (const std::string& k : {std::string(key), "runner." + std::string(key)}) {
                if (vm.count(k) != 0) {
                    return vm[k].as<std::string>();
                }
            }
            return std::nullopt;
        };
        if (const auto v = get("db")) {
            s.db_url = relative_to(base, *v);
        }
        if (const auto v = get("dir")) {
            s.dir = relative_to(base, *v);
        }
        s.schema_file = relative_to(base, "schema.sql");
        s.schema_file_origin = "the default schema.sql beside " + file;
        if (const auto v = get("schema_file")) {
            if (v->empty()) {
                throw Error(file + ": schema_file is empty; name the desired schema's SQL file");
            }
            s.schema_file = relative_to(base, *v);
            s.schema_file_origin = "schema_file in " + file;
        }
        if (const auto v = get("version_table")) {
            s.version_table = *v;
        }
        if (const auto v = get("schema")) {
            s.schema = *v;
        }
        if (const auto v = get("version_table_schema")) {
            s.version_table_schema = *v;
        }
        for (const char* key : {"lock_timeout", "statement_timeout"}) {
            if (const auto v = get(key)) {
                const auto ms = parse_timeout_ms(*v);
                if (!ms) {
                    throw Error(file + ": " + key +
                                " takes a duration such as '5s', '500ms' or '2min' ('0': no "
                                "limit), not '" +
                                *v + "'");
                }
                (std::string(key) == "lock_timeout" ? s.timeouts.lock_ms
                                                    : s.timeouts.statement_ms) = *ms;
            }
        }
        if (const auto v = get("retries")) {
            s.retries = parse_retries(*v, file + ": retries");
        }
        if (const auto v = get("lock_strategy")) {
            s.lock_strategy = parse_lock_strategy(*v, file + ": lock_strategy");
        }
        if (const auto v = get("lock_lease")) {
            const auto ms = parse_timeout_ms(*v);
            if (!ms || *ms < 1000 || *ms > 86'400'000) {
                throw Error(file +
                            ": lock_lease takes a duration from 1s to 24h such as '30s' or "
                            "'2min', not '" +
                            *v + "'");
            }
            s.lock_lease_ms = static_cast<int>(*ms);
        }
        if (const auto v = get("create")) {
            if (*v != "true" && *v != "false") {
                throw Error(file + ": create must be 'true' or 'false', not '" + *v + "'");
            }
            s.create = *v == "true";
        }
    } else if (explicit_file) {
        throw Error("config file " + file + " does not exist");
    }
    if (database_url_env != nullptr && *database_url_env != '\0') {
        s.db_url = database_url_env;
    }
    if (overrides.db) {
        s.db_url = *overrides.db;
    }
    if (overrides.dir) {
        s.dir = *overrides.dir;
    }
    if (overrides.schema) {
        s.schema = *overrides.schema;
    }
    if (overrides.no_create) {
        s.create = false;
    }
    if (overrides.lock_timeout_seconds) {
        s.lock_timeout_seconds = *overrides.lock_timeout_seconds;
    }
    if (overrides.retries) {
        s.retries = *overrides.retries;
    }
    if (overrides.lock_strategy) {
        s.lock_strategy = *overrides.lock_strategy;
    }
    return s;
}

}  // namespace runner
