// Failure injection through the real Executor: whatever fails (a statement, the COMMIT, a write
// of the version table or the audit log), the applied set, the audit log (but for the entry
// recording the failure) and the schema are exactly what they were before the step.
#include <boost/test/unit_test.hpp>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "backends.hpp"
#include "db/capabilities.hpp"
#include "db/database.hpp"
#include "exec/executor.hpp"
#include "faulty_connection.hpp"
#include "migration/script_directory.hpp"
#include "schema/render.hpp"
#include "support.hpp"

namespace runner::contract {
namespace {

using integration::TempDir;
using integration::write_migration;

// What must not change: applied revisions, the audit log without `failed` entries, the schema
// of the application's tables and the rows of table a.
struct Snapshot {
    std::vector<std::string> applied;
    std::vector<std::string> log;
    std::string schema;
    std::vector<std::string> rows;
    bool operator==(const Snapshot&) const = default;
};

std::ostream& operator<<(std::ostream& out, const std::vector<std::string>& items) {
    for (const auto& item : items) {
        out << "[" << item << "] ";
    }
    return out;
}

std::ostream& operator<<(std::ostream& out, const Snapshot& s) {
    return out << "applied " << s.applied << "\nlog " << s.log << "\nschema " << s.schema
               << "\nrows " << s.rows;
}

// Three migrations: r1 creates a; r2 adds rows to a and creates b; r3 creates c.
class Fixture {
  public:
    explicit Fixture(const ContractBackend& backend) {
        write_migration(dir_.path(), "0001_r1", "r1", {}, create_table_sql("a") + ";\n",
                        "DROP TABLE a;\n");
        write_migration(dir_.path(), "0002_r2", "r2", {"r1"},
                        "INSERT INTO a (x) VALUES (1);\nINSERT INTO a (x) VALUES (2);\n" +
                            create_table_sql("b") + ";\n",
                        "DROP TABLE b;\nDELETE FROM a;\n");
        write_migration(dir_.path(), "0003_r3", "r3", {"r2"}, create_table_sql("c") + ";\n",
                        "DROP TABLE c;\n");
        graph_.emplace(load_migrations(dir_.path()));
        auto faulty = std::make_unique<FaultyConnection>(backend.open_fresh("runner_version"));
        faulty_ = faulty.get();
        db_.emplace(std::move(faulty), "runner_version");
    }

    FaultyConnection& faults() { return *faulty_; }
    Database& db() { return *db_; }
    Rev rev(const std::string& id) const { return *graph_->find(id); }

    void run(const std::vector<std::string>& ids, Direction direction, bool atomic = false) {
        std::vector<Rev> steps;
        for (const auto& id : ids) {
            steps.push_back(rev(id));
        }
        Executor executor(*graph_, *db_, progress_, Identity{"ann", "box"});
        executor.run(steps, direction, RunOptions{atomic, false});
    }

    Snapshot snapshot() {
        Snapshot s;
        for (const auto& r : db_->bookkeeping().applied()) {
            s.applied.push_back(r.revision + " " + r.how + " " + r.checksum);
        }
        for (const auto& e : db_->bookkeeping().log()) {
            if (e.action != "failed") {
                s.log.push_back(e.at + " " + e.revision + " " + e.action + " " +
                                std::to_string(e.duration_ms) + " " + e.checksum);
            }
        }
        if (SchemaCatalog* catalog = db_->connection().catalog()) {
            s.schema = render_schema_sql(catalog->read_schema(
                {"runner_version", "runner_version_log", "runner_version_partial"}));
        }
        for (const auto& row : db_->connection().query("SELECT x FROM a ORDER BY x", {}, "rows")) {
            s.rows.push_back(row.at(0).value_or("NULL"));
        }
        return s;
    }

    std::vector<LogEntry> failures() {
        std::vector<LogEntry> out;
        for (const auto& e : db_->bookkeeping().log()) {
            if (e.action == "failed") {
                out.push_back(e);
            }
        }
        return out;
    }

  private:
    TempDir dir_;
    std::optional<RevisionGraph> graph_;
    FaultyConnection* faulty_ = nullptr;
    std::optional<Database> db_;
    std::ostringstream progress_;
};

// Applies r1, arms a fault, runs r2 and r3 (or reverts r1), and checks that the run failed
// because of it and that nothing it guards changed.
void check_fault(const std::function<void(FaultyConnection&)>& arm, bool atomic = false) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            Fixture f(backend);
            f.run({"r1"}, Direction::kUpgrade);
            const Snapshot before = f.snapshot();
            BOOST_TEST_REQUIRE(before.applied.size() == 1u);
            arm(f.faults());
            try {
                f.run({"r2", "r3"}, Direction::kUpgrade, atomic);
                BOOST_FAIL("the run succeeded although a failure was injected");
            } catch (const Error& e) {
                BOOST_TEST(std::string(e.what()).find(kInjected) != std::string::npos, e.what());
            }
            BOOST_TEST(f.faults().fired());
            const Snapshot after = f.snapshot();
            BOOST_TEST(after == before);
            const auto failures = f.failures();
            BOOST_TEST(failures.size() <= 1u, "at most the one entry recording the failure");
            for (const auto& e : failures) {
                BOOST_TEST((e.revision == "r2" || e.revision == "r3"), e.revision);
                BOOST_TEST(e.detail.find(kInjected) != std::string::npos, e.detail);
            }
            // And the database works on: the same run without the fault applies both.
            f.run({"r2", "r3"}, Direction::kUpgrade, atomic);
            BOOST_TEST(f.snapshot().applied.size() == 3u);
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_injection)

BOOST_AUTO_TEST_CASE(a_failing_first_statement_leaves_everything_as_it_was) {
    check_fault([](FaultyConnection& f) { f.fail_script_statement(1); });
}

BOOST_AUTO_TEST_CASE(a_failing_last_statement_leaves_everything_as_it_was) {
    check_fault([](FaultyConnection& f) { f.fail_script_statement(3); });
}

BOOST_AUTO_TEST_CASE(a_failing_commit_leaves_everything_as_it_was) {
    check_fault([](FaultyConnection& f) { f.fail_commit(); });
}

BOOST_AUTO_TEST_CASE(a_failing_version_table_write_leaves_everything_as_it_was) {
    check_fault([](FaultyConnection& f) {
        f.fail_write("INSERT INTO " + f.dialect().table("runner_version"));
    });
}

BOOST_AUTO_TEST_CASE(a_failing_audit_log_write_leaves_everything_as_it_was) {
    check_fault([](FaultyConnection& f) {
        f.fail_write("INSERT INTO " + f.dialect().table("runner_version_log"));
    });
}

BOOST_AUTO_TEST_CASE(under_atomic_a_failure_in_the_second_step_undoes_the_first) {
    check_fault(
        [](FaultyConnection& f) {
            f.fail_write("INSERT INTO " + f.dialect().table("runner_version"), 2);  // r3's record
        },
        true);
}

BOOST_AUTO_TEST_CASE(under_atomic_a_failing_commit_undoes_every_step) {
    check_fault([](FaultyConnection& f) { f.fail_commit(); }, true);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::contract
