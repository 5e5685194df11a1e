// What a command works with: settings, the loaded revision graph, the database, the streams.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/applied_info.hpp"
#include "app/config.hpp"
#include "db/database.hpp"
#include "graph/revision_graph.hpp"
#include "plan/planner.hpp"

namespace runner {

// Where Alembic records the revisions a database is at (one column, version_num).
inline constexpr const char* kAlembicVersionTable = "alembic_version";

class Context {
  public:
    // Settings are resolved on first use, so `COMMAND --help` works even with a broken config.
    // `raw_out` is stdout unescaped, for SQL scripts that must reach the file byte for byte.
    Context(Overrides overrides, const char* database_url_env, std::ostream& out, std::ostream& err,
            std::ostream& raw_out);

    const Settings& settings();
    // The global options as given on the command line (before any config file or environment).
    const Overrides& overrides() const { return overrides_; }
    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }
    std::ostream& raw_out() { return raw_out_; }

    // Loads the migrations directory (headers only) once; a HEADS manifest that disagrees with
    // the files (or holds git conflict markers) is an error; git conflict markers are only a
    // warning after warn_about_manifest() (for `heads`, which people run to resolve them).
    const RevisionGraph& graph();
    void warn_about_manifest() { manifest_warning_only_ = true; }
    // The database opened read-only, once: never creates the file. After writer() opened the
    // read-write connection, read() returns that one, so later reads see what was written; a
    // reference read() returned earlier keeps its own connection and stays valid.
    Database& read();
    // The database opened read-write, once, as a second connection (read()'s is left open and
    // valid): refuses a missing file when creating is forbidden (--no-create, create = false).
    Database& writer();
    // For commands that only read: read(), saying once on stderr when there is no database file
    // at all (nothing is applied there; a mistyped path?).
    Database& reader();
    // An empty scratch database in memory of the configured database's backend (SQLite when no
    // database is configured), with runner's bookkeeping; the configured database is only opened
    // read-only to learn its backend.
    std::unique_ptr<Database> open_scratch();
    // For this command only, as --no-create.
    void forbid_create() { forbid_create_ = true; }
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

    // What load() does with a database that has Alembic's version table and no runner
    // bookkeeping (not adopted yet).
    enum class AlembicPolicy {
        kNote,    // one line on stderr naming 'runner adopt', once
        kRefuse,  // an error when Alembic recorded revisions (upgrade would run them again)
        kQuiet,   // nothing (adopt, and check, which reports it itself)
    };
    void set_alembic_policy(AlembicPolicy policy) { alembic_policy_ = policy; }
    // After load(): the version_num values of such a table (empty: Alembic at base), else
    // nullopt.
    const std::optional<std::vector<std::string>>& unadopted_alembic() const { return unadopted_; }
    // The one line saying so, naming 'runner adopt'.
    std::string unadopted_message();

  private:
    std::unique_ptr<Database> open(OpenMode mode);

    Overrides overrides_;
    std::string database_url_env_;
    bool have_env_ = false;
    std::optional<Settings> settings_;
    std::ostream& out_;
    std::ostream& err_;
    std::ostream& raw_out_;
    std::optional<RevisionGraph> graph_;
    std::unique_ptr<Database> read_db_;
    std::unique_ptr<Database> write_db_;
    AlembicPolicy alembic_policy_ = AlembicPolicy::kNote;
    std::optional<std::vector<std::string>> unadopted_;
    bool alembic_noted_ = false;
    bool forbid_create_ = false;
    bool said_missing_ = false;
    bool manifest_warning_only_ = false;
};

}  // namespace runner
