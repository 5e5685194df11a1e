// `runner init`: a new project: the migrations directory with its templates and HEADS, and a
// commented runner.ini.
#include <filesystem>
#include <optional>
#include <ostream>

#include "authoring/scaffold.hpp"
#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "migration/script_writer.hpp"
#include "util/text.hpp"

namespace runner {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// One value from the global option or init's own; the default when neither; an error when
// they differ (init never guesses which one was meant).
std::string one_of(const std::optional<std::string>& global, const po::variables_map& vm,
                   const char* key, const std::string& fallback, const std::string& what,
                   const std::string& global_name, const std::string& local_name,
                   bool is_url = false) {
    if (vm.count(key) == 0) {
        return global.value_or(fallback);
    }
    const auto& local = vm[key].as<std::string>();
    if (global && *global != local) {
        const auto shown = [is_url](const std::string& value) {
            return printable(is_url ? mask_secrets(value) : value);
        };
        throw UsageError("init: the " + what + " is given twice, '" + shown(*global) +
                         "' by the global " + global_name + " and '" + shown(local) + "' " +
                         local_name + "; give it once");
    }
    return local;
}

}  // namespace

std::optional<InitOptions> parse_init(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("db", po::value<std::string>(),
                          "the database runner.ini names (default app.db; same as the global "
                          "--db)");
    po::options_description arguments;
    arguments.add_options()("directory", po::value<std::string>(), "migrations directory");
    po::positional_options_description positional;
    positional.add("directory", 1);
    const auto vm = parse_args(
        ctx, args, "[--dir DIR] [--db PATH] init",
        "Start a project in the current directory: the migrations directory DIR (default sql) "
        "with the templates 'runner revision' fills in and the heads manifest HEADS, and a "
        "commented runner.ini naming DIR and the database PATH (default app.db). DIR and PATH "
        "are the global --dir and --db, as for every command; the older form 'runner init "
        "[--db PATH] [DIR]' works too. DATABASE_URL is not copied into runner.ini, and -c FILE "
        "is refused: runner.ini is always written in the current directory. Never overwrites "
        "anything: refuses an existing runner.ini or a non-empty DIR.",
        options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    const Overrides& global = ctx.overrides();
    if (global.config_file &&
        fs::path(*global.config_file).lexically_normal() != fs::path(kConfigFile)) {
        throw UsageError(std::string("init always writes ") + kConfigFile +
                         " in the current directory, so -c/--config does not apply; run init in "
                         "the directory that should hold it");
    }
    return InitOptions{
        one_of(global.dir, *vm, "directory", "sql", "migrations directory", "--dir", "as DIR"),
        one_of(global.db, *vm, "db", kDefaultDatabase, "database", "--db", "by init --db", true)};
}

int run_init(Context& ctx, const InitOptions& options) {
    const std::string& dir = options.dir;
    const std::string& db = options.db;
    if (is_nonempty_directory(dir)) {
        throw Error("migrations directory '" + dir +
                    "' already exists and is not empty; init starts a new project (for an "
                    "existing one, 'runner heads --refresh' adds the heads manifest)");
    }
    std::vector<NewFile> files;
    for (auto& f : scaffold_files(kConfigFile, dir, db)) {
        files.push_back({std::move(f.path), std::move(f.text)});
    }
    create_files(files);
    for (const auto& f : files) {
        ctx.out() << f.path << "\n";
    }
    ctx.err() << "Next: runner revision -m \"what the first migration does\"\n";
    return kExitOk;
}

}  // namespace runner
