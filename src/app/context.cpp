// What a command works with: settings, the loaded revision graph, the database, the streams.
#include "app/context.hpp"

#include <ostream>

#include "authoring/heads_manifest.hpp"
#include "migration/script_directory.hpp"
#include "util/text.hpp"

namespace runner {

Context::Context(Overrides overrides, const char* database_url_env, std::ostream& out,
                 std::ostream& err, std::ostream& raw_out)
    : overrides_(std::move(overrides)),
      database_url_env_(database_url_env != nullptr ? database_url_env : ""),
      have_env_(database_url_env != nullptr),
      out_(out),
      err_(err),
      raw_out_(raw_out) {}

const Settings& Context::settings() {
    if (!settings_) {
        settings_ = resolve_settings(overrides_, have_env_ ? database_url_env_.c_str() : nullptr);
    }
    return *settings_;
}

const RevisionGraph& Context::graph() {
    if (!graph_) {
        const std::string& dir = settings().dir;
        std::vector<std::string> warnings;
        RevisionGraph graph(load_migrations(dir, &warnings));
        for (const auto& w : warnings) {
            err_ << "warning: " << w << "\n";
        }
        // Projects with a heads manifest (runner init) get new heads reported by git; see HEADS.
        if (const auto manifest = read_heads_manifest(dir)) {
            if (auto problem = heads_manifest_problem(*manifest, heads_manifest_path(dir), graph)) {
                if (!manifest_warning_only_ ||
                    problem->find(" has git conflict markers") == std::string::npos) {
                    throw Error(*problem);
                }
                err_ << "warning: " << *problem << "\n";
            }
        }
        graph_.emplace(std::move(graph));
    }
    return *graph_;
}

Database& Context::read() {
    if (write_db_) {
        return *write_db_;
    }
    if (!read_db_) {
        read_db_ = open(OpenMode::kReadOnly);
    }
    return *read_db_;
}

Database& Context::writer() {
    if (!write_db_) {
        write_db_ = open(OpenMode::kReadWrite);
    }
    return *write_db_;
}

std::unique_ptr<Database> Context::open(OpenMode mode) {
    return open_database(
        settings().db_url, mode,
        OpenOptions{settings().version_table, settings().lock_timeout_seconds * 1000,
                    settings().create && !forbid_create_, settings().schema,
                    settings().version_table_schema, settings().lock_strategy,
                    settings().lock_lease_ms});
}

std::unique_ptr<Database> Context::open_scratch() {
    const Connection* like = settings().db_url.empty() ? nullptr : &read().connection();
    return open_scratch_database(like, settings().version_table);
}

Database& Context::reader() {
    Database& d = read();
    if (!d.exists() && !said_missing_) {
        said_missing_ = true;
        err_ << "warning: no database at " << d.describe()
             << ": nothing is applied there (check the path, --db or DATABASE_URL; 'runner "
                "upgrade' creates it)\n";
    }
    return d;
}

Context::Loaded Context::load(Database& db) {
    const RevisionGraph& g = graph();
    Loaded loaded;
    loaded.partials = db.bookkeeping().partials();
    if (!loaded.partials.empty()) {
        // A non-transactional migration records its progress as it runs: wait for a runner
        // that is still applying one, so only a migration that really stopped counts as such.
        db.connection().wait_for_writers();
        loaded.partials = db.bookkeeping().partials();
    }
    loaded.records = db.bookkeeping().applied();
    std::vector<Rev> applied;
    for (const auto& record : loaded.records) {
        const auto r = g.find(record.revision);
        if (!r) {
            throw Error("Can't locate revision identified by '" + record.revision +
                        "': " + db.describe() + " records it as applied (" + record.applied_at +
                        " UTC), but no migration file in '" + settings().dir +
                        "' declares it; check out the matching files, or overwrite the record "
                        "with 'runner stamp --purge REV'");
        }
        applied.push_back(*r);
    }
    loaded.state = state_from_applied(g, applied);
    unadopted_.reset();
    if (loaded.records.empty()) {
        auto versions = db.bookkeeping().alembic_versions(kAlembicVersionTable);
        if (versions && db.bookkeeping().log().empty()) {
            unadopted_ = std::move(versions);
            if (alembic_policy_ == AlembicPolicy::kRefuse && !unadopted_->empty()) {
                throw Error(unadopted_message() + "; nothing was run");
            }
            if (alembic_policy_ == AlembicPolicy::kNote && !alembic_noted_) {
                err_ << "warning: " << unadopted_message() << "\n";
                alembic_noted_ = true;
            }
        }
    }
    return loaded;
}

std::string Context::unadopted_message() {
    const std::string where = write_db_  ? write_db_->describe()
                              : read_db_ ? read_db_->describe()
                                         : mask_secrets(settings().db_url);
    if (!unadopted_ || unadopted_->empty()) {
        return where + " has Alembic's version table " + kAlembicVersionTable +
               ", empty (Alembic at base), and no runner bookkeeping: 'runner adopt' has "
               "nothing to record";
    }
    return where + " is at Alembic revision(s) " + join(*unadopted_, ", ") + " (" +
           kAlembicVersionTable +
           ") and runner has no bookkeeping there yet: run 'runner adopt' to record them as "
           "applied";
}

AppliedInfo Context::applied_info() {
    AppliedInfo info;
    if (settings().db_url.empty()) {
        return info;
    }
    try {
        Database& d = reader();
        for (auto& record : d.bookkeeping().applied()) {
            info.records.emplace(record.revision, std::move(record));
        }
        for (auto& e : d.bookkeeping().log()) {
            info.log[e.revision].push_back(std::move(e));
        }
        info.applied = state(d).applied;
        info.reachable = true;
    } catch (const Error& e) {
        err_ << "warning: not showing what is applied: " << e.what() << "\n";
    }
    return info;
}

}  // namespace runner
