// `runner backup [--to FILE]`: a consistent copy of the database, even while others write.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/run_plan.hpp"

namespace runner {
namespace po = boost::program_options;

int cmd_backup(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("to", po::value<std::string>(),
                          "the backup file (default: DB.backup-YYYYmmdd-HHMMSS beside it)");
    const auto vm =
        parse_args(ctx, args, "backup [--to FILE]",
                   "Copy the database with SQLite's online backup API (consistent while "
                   "other connections write; works in WAL mode). Prints the path.",
                   options);
    if (!vm) {
        return kExitOk;
    }
    Database& db = ctx.db(OpenMode::kReadOnly);
    if (!db.exists()) {
        throw Error("cannot back up " + db.describe() + ": it does not exist");
    }
    const std::string path =
        vm->count("to") != 0 ? (*vm)["to"].as<std::string>() : default_backup_path(db.file_path());
    db.backup_to(path);
    ctx.out() << path << "\n";
    return kExitOk;
}

}  // namespace runner
