// The adapter between the property test and runner's foreign-key guard (see fk_subject.hpp).
#include "fk_subject.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

#include "db/capabilities.hpp"
#include "db/connection.hpp"
#include "db/database.hpp"
#include "util/text_source.hpp"

namespace runner::property {

namespace {

constexpr int kNoLimit = 1'000'000;

Violations as_set(const std::vector<ForeignKeyViolation>& found) {
    Violations out;
    for (const auto& v : found) {
        std::string key;
        if (v.rowid) {
            key = "rowid " + std::to_string(*v.rowid);
        } else {
            for (std::size_t i = 0; i < v.key_columns.size(); ++i) {
                key += (i == 0 ? "" : ", ") + v.key_columns[i] + "=" + v.key_values.at(i);
            }
        }
        out.push_back(v.table + "|" + key + "|" + v.parent + "|" + std::to_string(v.fk_id));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::unique_ptr<Database> open(const std::string& path, OpenMode mode) {
    OpenOptions options;
    options.lock_timeout_ms = 2'000;  // nothing else writes: a wait is a mistake of the test
    return open_database(path, mode, options);
}

struct Plain {
    sqlite3* db = nullptr;
    explicit Plain(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
            const std::string why = sqlite3_errmsg(db);
            sqlite3_close(db);
            throw std::runtime_error("cannot open " + path + ": " + why);
        }
    }
    ~Plain() { sqlite3_close(db); }
    Plain(const Plain&) = delete;
    Plain& operator=(const Plain&) = delete;
};

}  // namespace

struct FkSubject::Impl {
    std::unique_ptr<Database> db;
    std::vector<ForeignKeyViolation> baseline;
    Connection& connection() { return db->connection(); }
    ForeignKeyGuard& guard() {
        ForeignKeyGuard* g = connection().foreign_keys();
        if (g == nullptr) {
            throw std::runtime_error("the SQLite connection has no foreign-key guard");
        }
        return *g;
    }
};

FkSubject::FkSubject(const std::string& path)
    : impl_(new Impl{open(path, OpenMode::kReadWrite), {}}) {}
FkSubject::~FkSubject() = default;

Violations FkSubject::full_check() {
    return as_set(impl_->guard().violations(kNoLimit, ForeignKeyGuard::Scope::kAll));
}

Violations FkSubject::start_run() {
    impl_->baseline = impl_->guard().violations(kNoLimit, ForeignKeyGuard::Scope::kAll);
    return as_set(impl_->baseline);
}

Violations FkSubject::baseline() const {
    return as_set(impl_->baseline);
}

bool FkSubject::run_script(const std::string& sql, std::string& error) {
    impl_->connection().begin();
    try {
        StringSource source(sql);
        impl_->connection().run_script(source, "step.sql", ScriptRun{});
        return true;
    } catch (const Error& e) {
        impl_->connection().rollback();  // the executor's run ends here too
        error = e.what();
        return false;
    }
}

Violations FkSubject::changed_check() {
    auto found = impl_->guard().violations(kNoLimit, ForeignKeyGuard::Scope::kChanged);
    impl_->guard().follow_renames(impl_->baseline);
    return as_set(found);
}

Violations FkSubject::full_step_check() {
    auto found = impl_->guard().violations(kNoLimit, ForeignKeyGuard::Scope::kAll);
    impl_->guard().follow_renames(impl_->baseline);
    return as_set(found);
}

void FkSubject::commit() {
    impl_->connection().commit();
}

std::vector<std::string> pragma_broken_foreign_keys(const std::string& path) {
    Plain p(path);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(p.db, "PRAGMA foreign_key_check", -1, &stmt, nullptr) != SQLITE_OK) {
        throw std::runtime_error(std::string("PRAGMA foreign_key_check: ") + sqlite3_errmsg(p.db));
    }
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const auto text = [&](int i) {
            const auto* t = sqlite3_column_text(stmt, i);
            return t != nullptr ? std::string(reinterpret_cast<const char*>(t)) : std::string();
        };
        out.push_back(text(0) + "|" + text(2) + "|" + text(3));
    }
    const std::string why = sqlite3_errmsg(p.db);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        throw std::runtime_error("PRAGMA foreign_key_check: " + why);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::string> broken_foreign_keys(const Violations& violations) {
    std::vector<std::string> out;
    for (const auto& v : violations) {
        // "table|key|parent|fk": the key may hold '|', the others are names runner made
        const auto first = v.find('|');
        const auto last = v.rfind('|');
        const auto parent = v.rfind('|', last - 1);
        out.push_back(v.substr(0, first) + v.substr(parent, std::string::npos));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void exec_plain(const std::string& path, const std::string& sql) {
    Plain p(path);
    char* message = nullptr;
    if (sqlite3_exec(p.db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string why = message != nullptr ? message : "?";
        sqlite3_free(message);
        throw std::runtime_error(why);
    }
}

}  // namespace runner::property
