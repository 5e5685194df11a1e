// An open database: its connection and runner's bookkeeping; see database.hpp.
#include "db/database.hpp"

namespace runner {

Database::Database(std::unique_ptr<Connection> connection, const std::string& version_table)
    : connection_(std::move(connection)), bookkeeping_(*connection_, version_table) {}

BackupCapability& Database::backup() {
    if (BackupCapability* backup = connection_->backup()) {
        return *backup;
    }
    throw Error("cannot back up " + describe() + ": " + connection_->backup_advice());
}

std::unique_ptr<Database> open_database(const std::string& url, OpenMode mode,
                                        const OpenOptions& options) {
    return std::make_unique<Database>(open_connection(url, mode, options), options.version_table);
}

std::unique_ptr<Database> open_scratch_database(const Connection* like,
                                                const std::string& version_table) {
    auto connection = like != nullptr ? like->open_scratch() : open_default_scratch(version_table);
    return std::make_unique<Database>(std::move(connection), version_table);
}

}  // namespace runner
