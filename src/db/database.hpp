// The narrow database interface the executor and commands use; backends hide behind it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace runner {

// One applied revision as the version table records it.
struct AppliedRecord {
    std::string revision;
    std::string applied_at;  // UTC, "YYYY-MM-DD HH:MM:SS"
    std::int64_t duration_ms = 0;
    std::string checksum;  // of the up file; empty when the revision was stamped
    std::string how;       // "upgrade" or "stamp"
};

// A statement in a migration failed. what() is "<origin>:<line>: <database message>".
class StatementError : public Error {
  public:
    StatementError(std::string origin, int line, std::string db_message, std::string excerpt);
    int line() const { return line_; }
    const std::string& excerpt() const { return excerpt_; }

  private:
    int line_;
    std::string excerpt_;
};

enum class OpenMode {
    kReadOnly,   // never creates or modifies the file; a missing file reads as empty
    kReadWrite,  // creates the file when missing
};

class Database {
  public:
    Database() = default;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    virtual ~Database() = default;

    // What the user named, safe to print (passwords masked).
    virtual std::string describe() const = 0;

    // Applied revisions, oldest first; empty when the version table does not exist.
    virtual std::vector<AppliedRecord> applied() = 0;
    // Creates the version table when missing (inside the current transaction, if any).
    virtual void ensure_version_table() = 0;
    // Whether the version table records `revision` (false when there is no table).
    virtual bool is_applied(const std::string& revision) = 0;
    virtual void insert_applied(const AppliedRecord& record) = 0;
    virtual void delete_applied(const std::string& revision) = 0;
    virtual void delete_all_applied() = 0;

    // Transactions. begin() takes the write lock at once (SQLite: BEGIN IMMEDIATE).
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    // Runs every statement of `sql` in order, as the database parses them. `origin` names the
    // file in errors. Throws StatementError at the first failing statement.
    virtual void execute_script(std::string_view sql, const std::string& origin) = 0;
};

// Opens `url`: a path, or sqlite:///relative/path, sqlite:////absolute/path.
std::unique_ptr<Database> open_database(const std::string& url, OpenMode mode,
                                        const std::string& version_table);

// Replaces the password in scheme://user:password@host URLs with "***".
std::string mask_secrets(const std::string& url);

// Rolls back unless commit() succeeded. commit() may throw; the destructor never does.
class Transaction {
  public:
    explicit Transaction(Database& db) : db_(db) { db_.begin(); }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (!done_) {
            db_.rollback();
        }
    }
    void commit() {
        db_.commit();
        done_ = true;
    }

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace runner
