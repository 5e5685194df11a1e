// An open database as commands and the executor use it: the backend's connection and runner's
// bookkeeping in it. What differs per backend is behind Connection; this is the same for all.
#pragma once

#include <memory>
#include <string>

#include "db/bookkeeping.hpp"
#include "db/capabilities.hpp"
#include "db/connection.hpp"
#include "db/open.hpp"

namespace runner {

class Database {
  public:
    // `version_table`: as open_connection checked it (options.version_table).
    Database(std::unique_ptr<Connection> connection, const std::string& version_table);
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Connection& connection() { return *connection_; }
    const Connection& connection() const { return *connection_; }
    Bookkeeping& bookkeeping() { return bookkeeping_; }
    const Bookkeeping& bookkeeping() const { return bookkeeping_; }
    // What the user named, safe to print (passwords masked).
    std::string describe() const { return connection_->describe(); }
    // False for a read-only open of a database that does not exist (it reads as empty).
    bool exists() const { return connection_->exists(); }
    // The backup capability; throws an Error naming the database when its backend has none.
    BackupCapability& backup();

  private:
    std::unique_ptr<Connection> connection_;
    Bookkeeping bookkeeping_;
};

// open_connection, with the bookkeeping for options.version_table.
std::unique_ptr<Database> open_database(const std::string& url, OpenMode mode,
                                        const OpenOptions& options);

// An empty scratch database in memory with runner's bookkeeping for `version_table`: of the same
// backend as `like` (Connection::open_scratch), or of the default backend when `like` is null.
// It never touches `like`'s data and disappears when destroyed.
std::unique_ptr<Database> open_scratch_database(const Connection* like,
                                                const std::string& version_table);

}  // namespace runner
