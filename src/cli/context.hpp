// What a command works with: settings, the loaded revision graph, the database, the streams.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/config.hpp"
#include "cli/format.hpp"
#include "db/database.hpp"
#include "graph/revision_graph.hpp"
#include "plan/planner.hpp"

namespace runner {

class Context {
  public:
    // Settings are resolved on first use, so `COMMAND --help` works even with a broken config.
    Context(Overrides overrides, const char* database_url_env, std::ostream& out,
            std::ostream& err);

    const Settings& settings();
    // The global options as given on the command line (before any config file or environment).
    const Overrides& overrides() const { return overrides_; }
    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }

    // Loads the migrations directory (headers only) once.
    const RevisionGraph& graph();
    // Opens the database once; read-only opens never create the file.
    Database& db(OpenMode mode);
    // What the database records, checked against the files: a revision no file declares is an
    // error.
    struct Loaded {
        VersionState state;
        std::vector<AppliedRecord> records;
        std::vector<PartialRecord> partials;
    };
    Loaded load(Database& db);
    VersionState state(Database& db) { return load(db).state; }
    // For verbose listings: what the database says, or unreachable when there is no database.
    AppliedInfo applied_info();

  private:
    Overrides overrides_;
    std::string database_url_env_;
    bool have_env_ = false;
    std::optional<Settings> settings_;
    std::ostream& out_;
    std::ostream& err_;
    std::optional<RevisionGraph> graph_;
    std::unique_ptr<Database> db_;
    OpenMode db_mode_ = OpenMode::kReadOnly;
};

}  // namespace runner
