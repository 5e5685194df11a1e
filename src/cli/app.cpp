// The command line: global options, then dispatch to the command table.
#include "cli/app.hpp"

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "app/config.hpp"
#include "cli/command_table.hpp"
#include "present/output.hpp"
#include "util/json.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {

po::options_description global_options() {
    po::options_description options("Global options");
    options.add_options()("db", po::value<std::string>(),
                          "database: a path or sqlite:///path (else DATABASE_URL, else 'db =' in "
                          "runner.ini)")(
        "dir", po::value<std::string>(),
        "migrations directory (else 'dir =' in runner.ini, else sql)")(
        "config,c", po::value<std::string>(), "config file (default: runner.ini if present)")(
        "lock-timeout", po::value<int>(),
        "seconds to wait for another runner's write lock (default 60)")(
        "retries", po::value<std::string>(),
        "PostgreSQL: times to try a migration again after a lock timeout, statement timeout, "
        "deadlock or serialization failure (default 3; else 'retries =' in runner.ini)")(
        "lock-strategy", po::value<std::string>(),
        "PostgreSQL: 'advisory' (default) or 'table', a lock row with a lease for PgBouncer in "
        "transaction mode or CockroachDB (else 'lock_strategy =' in runner.ini)")(
        "schema", po::value<std::string>(),
        "PostgreSQL: the schema migrations run in (their search_path), created when missing "
        "(else 'schema =' in runner.ini)")(
        "no-create", "commands that write refuse a missing database file instead of creating it")(
        "help,h", "show this help")("version", "print the version");
    return options;
}

void print_help(std::ostream& out) {
    out << "usage: runner [--db URL|PATH] [--dir DIR] [-c FILE] COMMAND [ARGS]\n\n"
           "Plain-SQL migrations with Alembic's revision graph.\n\nCommands:\n";
    for (const auto& c : all_commands()) {
        std::string name = c.name;
        name.resize(12, ' ');
        out << "  " << name << c.summary << "\n";
    }
    out << "\n"
        << global_options()
        << "\nRun 'runner COMMAND --help' for a command's options.\n\n"
           "Exit codes: 0 success, 1 error (bad file, bad target, database error), 2 usage error;\n"
           "'runner check' also: 3 migrations pending, 4 applied migrations edited (drift),\n"
           "5 a non-transactional migration stopped part-way (--resume, or 'runner resolve'),\n"
           "with --schema 7 the schema differs from what the migrations produce;\n"
           "'runner verify' 8 a revision failed (its down does not undo its up, ...);\n"
           "any command: 6 timed out waiting for a lock another process holds (--lock-timeout).\n";
}

// Whether the command's arguments ask for --format json.
bool wants_json(const Args& args) {
    for (std::size_t k = 0; k < args.size(); ++k) {
        if (args[k] == "--format=json" ||
            (args[k] == "--format" && k + 1 < args.size() && args[k + 1] == "json")) {
            return true;
        }
    }
    return false;
}

// Runs one command with stdout and stderr behind OutputBufs. With --format json, an error
// before the command printed anything is reported as one JSON document on stdout too, so a
// pipeline always has exactly one document to parse; main() still prints it on stderr.
int run_command(const Command& command, const Args& args, const Overrides& o, std::ostream& out,
                std::ostream& err) {
    OutputBuf out_buf(out.rdbuf(), true);
    OutputBuf raw_buf(out.rdbuf(), false);
    OutputBuf err_buf(err.rdbuf(), true);
    std::ostream safe_out(&out_buf);
    std::ostream raw_out(&raw_buf);
    std::ostream safe_err(&err_buf);
    const auto report = [&](const std::string& message, int exit_code) {
        if (wants_json(args) && out_buf.written() + raw_buf.written() == 0) {
            safe_out << JsonObject()
                            .add("command", command.name)
                            .add("ok", false)
                            .add("error", message)
                            .add("exit_code", exit_code)
                            .str()
                     << "\n";
        }
    };
    try {
        Context ctx(o, std::getenv("DATABASE_URL"), safe_out, safe_err, raw_out);
        const int code = command.run(ctx, args);
        safe_out.flush();
        safe_err.flush();
        raw_out.flush();
        if (!safe_out || !raw_out) {
            out.setstate(std::ios::badbit);
        }
        return code;
    } catch (const Error& e) {
        report(e.what(), e.exit_code());
        throw;
    } catch (const std::exception& e) {
        report(e.what(), kExitError);
        throw;
    }
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    // Global options come before the command; find where the command starts.
    std::vector<std::string> global;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string token = argv[i];
        if (token.empty() || token[0] != '-' || token == "-") {
            break;
        }
        global.push_back(token);
        const bool takes_value = token == "--db" || token == "--dir" || token == "-c" ||
                                 token == "--config" || token == "--lock-timeout" ||
                                 token == "--schema" || token == "--retries" ||
                                 token == "--lock-strategy";
        if (takes_value && i + 1 < argc) {
            global.push_back(argv[++i]);
        }
    }
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(global).options(global_options()).run(), vm);
    } catch (const po::error& e) {
        throw UsageError(std::string(e.what()) + " (see runner --help)");
    }
    if (vm.count("version") != 0) {
        out << "runner " << RUNNER_VERSION << "\n";
        return kExitOk;
    }
    if (vm.count("help") != 0 || i >= argc) {
        print_help(i >= argc && vm.count("help") == 0 ? err : out);
        return vm.count("help") != 0 ? kExitOk : kExitUsage;
    }
    const std::string name = argv[i];
    const Args args(argv + i + 1, argv + argc);
    for (const auto& c : all_commands()) {
        if (name == c.name) {
            Overrides o;
            if (vm.count("db") != 0) {
                o.db = vm["db"].as<std::string>();
            }
            if (vm.count("dir") != 0) {
                o.dir = vm["dir"].as<std::string>();
            }
            if (vm.count("config") != 0) {
                o.config_file = vm["config"].as<std::string>();
            }
            if (vm.count("schema") != 0) {
                o.schema = vm["schema"].as<std::string>();
            }
            o.no_create = vm.count("no-create") != 0;
            if (vm.count("lock-timeout") != 0) {
                const int seconds = vm["lock-timeout"].as<int>();
                if (seconds < 0 || seconds > 86'400) {
                    throw UsageError("--lock-timeout takes seconds from 0 to 86400");
                }
                o.lock_timeout_seconds = seconds;
            }
            if (vm.count("retries") != 0) {
                try {
                    o.retries = parse_retries(vm["retries"].as<std::string>(), "--retries");
                } catch (const Error& e) {
                    throw UsageError(e.what());
                }
            }
            if (vm.count("lock-strategy") != 0) {
                try {
                    o.lock_strategy = parse_lock_strategy(vm["lock-strategy"].as<std::string>(),
                                                          "--lock-strategy");
                } catch (const Error& e) {
                    throw UsageError(e.what());
                }
            }
            return run_command(c, args, o, out, err);
        }
    }
    throw UsageError("unknown command '" + name + "' (see runner --help)");
}

}  // namespace runner
