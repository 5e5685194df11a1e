// Helpers the proof tests add to the integration support: runner processes started together and
// killed at will, read-write queries that recover a crashed database, whole-tree snapshots, and
// the repetition scale and random seed.
#include "proof_support.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

#include <boost/filesystem.hpp>

namespace runner::proof {
namespace {

namespace fs = boost::filesystem;

struct ConnectionCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

integration::ProcessOptions runner_process_options(const std::vector<std::string>& args,
                                                   const std::string& cwd,
                                                   const std::string& output_prefix,
                                                   const EnvOverrides& env, const StartGate* gate) {
    integration::ProcessOptions options = integration::runner_options(args, cwd, env);
    options.output_prefix = output_prefix;
    options.gate = gate;
    options.timeout = std::chrono::seconds(120);
    return options;
}

}  // namespace

int scale() {
    const char* text = std::getenv("RUNNER_PROOF_SCALE");
    if (text == nullptr || *text == '\0') {
        return 1;
    }
    const int n = std::atoi(text);
    return n < 1 ? 1 : n;
}

std::uint64_t seed() {
    static const std::uint64_t value = [] {
        const char* text = std::getenv("RUNNER_PROOF_SEED");
        if (text != nullptr && *text != '\0') {
            return static_cast<std::uint64_t>(std::strtoull(text, nullptr, 10));
        }
        std::random_device device;
        return (static_cast<std::uint64_t>(device()) << 32) ^ device();
    }();
    return value;
}

ScopedEnv::ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) {
        saved_ = old;
    }
    if (value != nullptr) {
        ::setenv(name_.c_str(), value, 1);
    } else {
        ::unsetenv(name_.c_str());
    }
}

ScopedEnv::~ScopedEnv() {
    if (saved_) {
        ::setenv(name_.c_str(), saved_->c_str(), 1);
    } else {
        ::unsetenv(name_.c_str());
    }
}

std::string ram_tmpdir() {
    struct stat st {};
    if (::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && ::access("/dev/shm", W_OK) == 0) {
        return "/dev/shm";
    }
    return "";
}

RunnerProcess::RunnerProcess(const std::vector<std::string>& args, const std::string& cwd,
                             const std::string& output_prefix, const EnvOverrides& env,
                             const StartGate* gate)
    : ChildProcess(runner_process_options(args, cwd, output_prefix, env, gate)) {}

std::vector<std::string> query_rw(const std::string& db_path, const std::string& sql) {
    if (!integration::file_exists(db_path)) {
        throw std::runtime_error("no database file " + db_path);
    }
    sqlite3* raw_db = nullptr;
    const int open_rc = sqlite3_open_v2(db_path.c_str(), &raw_db, SQLITE_OPEN_READWRITE, nullptr);
    const std::unique_ptr<sqlite3, ConnectionCloser> db(raw_db);
    if (open_rc != SQLITE_OK) {
        throw std::runtime_error("cannot open " + db_path + ": " +
                                 (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(open_rc)));
    }
    sqlite3_stmt* raw_stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw_stmt, nullptr);
    const std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt(raw_stmt);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("preparing '" + sql + "' on " + db_path + ": " +
                                 sqlite3_errmsg(db.get()));
    }
    std::vector<std::string> rows;
    int step_rc;
    while ((step_rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt.get(), 0);
        rows.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
    }
    if (step_rc != SQLITE_DONE) {
        throw std::runtime_error("running '" + sql + "' on " + db_path + ": " +
                                 sqlite3_errmsg(db.get()));
    }
    return rows;
}

bool copy_file_if_exists(const std::string& from, const std::string& to) {
    if (!integration::file_exists(from)) {
        return false;
    }
    integration::write_file(to, integration::file_bytes(from));
    return true;
}

std::map<std::string, std::string> tree_snapshot(const std::string& root) {
    std::map<std::string, std::string> snapshot;
    for (fs::recursive_directory_iterator it(root), end; it != end; ++it) {
        const fs::path& path = it->path();
        const std::string name = path.lexically_relative(root).string();
        const fs::file_status st = fs::symlink_status(path);
        if (fs::is_symlink(st)) {
            snapshot[name] = "<symlink> " + fs::read_symlink(path).string();
        } else if (fs::is_directory(st)) {
            snapshot[name] = "<dir>";
        } else {
            std::ifstream in(path.string(), std::ios::binary);
            if (in) {
                snapshot[name] = integration::file_bytes(path.string());
            } else {
                snapshot[name] = "<unreadable> " + std::to_string(fs::file_size(path));
            }
        }
    }
    return snapshot;
}

std::string tree_difference(const std::map<std::string, std::string>& before,
                            const std::map<std::string, std::string>& after) {
    std::string text;
    for (const auto& [name, content] : before) {
        const auto it = after.find(name);
        if (it == after.end()) {
            text += "removed: " + name + "\n";
        } else if (it->second != content) {
            text += "changed: " + name + "\n";
        }
    }
    for (const auto& entry : after) {
        if (before.count(entry.first) == 0) {
            text += "created: " + entry.first + "\n";
        }
    }
    return text;
}

}  // namespace runner::proof
