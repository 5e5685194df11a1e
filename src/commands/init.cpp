// `runner init`: a new project: the migrations directory with its templates and HEADS, and a
// commented runner.ini.
#include <ostream>

#include "authoring/scaffold.hpp"
#include "commands/commands.hpp"
#include "migration/script_writer.hpp"

namespace runner {
namespace po = boost::program_options;

int cmd_init(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("db", po::value<std::string>()->default_value(kDefaultDatabase),
                          "the database runner.ini names");
    po::options_description arguments;
    arguments.add_options()("directory", po::value<std::string>()->default_value("sql"),
                            "migrations directory");
    po::positional_options_description positional;
    positional.add("directory", 1);
    const auto vm = parse_args(
        ctx, args, "init [--db PATH] [DIR]",
        "Start a project in the current directory: the migrations directory DIR (default sql) "
        "with the templates 'runner revision' fills in and the heads manifest HEADS, and a "
        "commented runner.ini naming DIR and the database. Never overwrites anything: refuses an "
        "existing runner.ini or a non-empty DIR. Global --db/--dir/-c do not apply here.",
        options, arguments, positional);
    if (!vm) {
        return kExitOk;
    }
    const auto dir = (*vm)["directory"].as<std::string>();
    const auto db = (*vm)["db"].as<std::string>();
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
