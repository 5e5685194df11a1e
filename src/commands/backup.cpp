// `runner backup [--to FILE]`: a consistent copy of the database, even while others write.
#include <ctime>
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/preflight.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<BackupOptions> parse_backup(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()(
        "to", po::value<std::string>(),
        "the backup file, which must not exist (default: DB.backup-YYYYmmdd-HHMMSS beside "
        "it, with -2, -3, ... added when that name is taken)");
    const auto vm =
        parse_args(ctx, args, "backup [--to FILE]",
                   "Copy the database with SQLite's online backup API in one step under a read "
                   "lock (consistent\nwhile other connections write, done in bounded time; "
                   "works in WAL mode). The copy gets its\nname only when complete. Prints the "
                   "path.",
                   options);
    if (!vm) {
        return std::nullopt;
    }
    BackupOptions o;
    if (vm->count("to") != 0) {
        o.to = (*vm)["to"].as<std::string>();
    }
    return o;
}

int run_backup(Context& ctx, const BackupOptions& options) {
    Database& db = ctx.read();
    if (!db.exists()) {
        throw Error("cannot back up " + db.describe() + ": it does not exist");
    }
    const std::string path =
        options.to ? db.backup().backup_to(*options.to, false)
                   : db.backup().backup_to(
                         default_backup_path(db.backup().file_path(), std::time(nullptr)), true);
    ctx.out() << path << "\n";
    return kExitOk;
}

}  // namespace runner
