// Proof that no password reaches any output channel, whatever URL shape carries it: errors on
// stderr, --format json documents on stdout (success and failure), --verbose, history -v and
// --verbose, current -v, check, --sql offline scripts, backups, and what runner writes into the
// database (its audit log). Each URL shape has its own secret, looked for raw and
// percent-decoded. PostgreSQL URLs cannot connect here: their error path must mask too.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "proof_support.hpp"

namespace runner::proof {
namespace {

using integration::contains;
using integration::file_bytes;
using integration::list_dir;
using integration::Project;
using integration::run_runner;

struct Shape {
    std::string url;
    std::vector<std::string> secrets;  // each must never be printed or stored
};

// Every shape a password reaches runner in, each with secrets of its own.
const std::vector<Shape> kShapes = {
    {"sqlite:///?password=zk1Secret", {"zk1Secret"}},
    {"sqlite:///app.db?password=zk2Secret", {"zk2Secret"}},
    {"sqlite:///app.db?mode=ro&password=zk3Secret", {"zk3Secret"}},
    {"sqlite:///app.db?pass%77ord=zk4Secret", {"zk4Secret"}},
    {"file:app.db?password=zk5Secret", {"zk5Secret"}},
    {"postgresql://u:zk6Secret@h.invalid/d", {"zk6Secret"}},
    {"postgres://u:zk7%40ss@h.invalid/d", {"zk7%40ss", "zk7@ss"}},
    {"postgres://u:%7a%6b%38Secret@h.invalid/d", {"%7a%6b%38Secret", "zk8Secret"}},
    {"postgresql+psycopg2://u:zk9Secret@h.invalid/d", {"zk9Secret"}},
    {"postgresql://u:pa?zk10Secret@host.invalid/db", {"zk10Secret"}},
    {"postgresql://u:pa#zk11Secret@host.invalid/db", {"zk11Secret"}},
    {"postgresql://u@h.invalid/d?sslpassword=zk12Secret", {"zk12Secret"}},
    {"postgresql://u@h.invalid/d?sslmode=require&password=zk13Secret", {"zk13Secret"}},
    {"host=h.invalid password=zk14Secret dbname=d", {"zk14Secret"}},
    {"host=h.invalid password='se cret zk15' dbname=d", {"se cret zk15", "zk15"}},
    {"mysql+pymysql://u:zk16Secret@h.invalid/d", {"zk16Secret"}},
};

// Every output channel a URL can reach through a command.
const std::vector<std::vector<std::string>> kCommands = {
    {"current"},
    {"current", "-v"},
    {"current", "--verbose"},
    {"history", "-v"},
    {"history", "--verbose"},
    {"history", "--verbose", "--format", "json"},
    {"check"},
    {"check", "--format", "json"},
    {"show", "current"},
    {"heads", "-v"},
    {"graph", "--format", "json"},
    {"upgrade", "head"},
    {"upgrade", "head", "--format", "json"},
    {"upgrade", "head", "--backup"},
    {"upgrade", "head", "--sql"},
    {"downgrade", "-1"},
    {"downgrade", "base", "--format", "json"},
    {"stamp", "head"},
    {"backup"},
    {"reset", "--yes", "--format", "json"},
};

std::string shown(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) {
        s += " '" + a + "'";
    }
    return s;
}

// Every file under the project (databases, backups, audit log, anything written) as bytes.
std::string every_file(const Project& p) {
    std::string all;
    for (const auto& name : list_dir(p.root())) {
        const std::string path = p.path(name);
        try {
            all += file_bytes(path);
        } catch (const std::exception&) {
            // a directory
        }
    }
    return all;
}

void expect_hidden(const RunResult& r, const Shape& shape) {
    for (const auto& secret : shape.secrets) {
        BOOST_TEST(!contains(r.out, secret), "stdout shows '" << secret << "'\n" << r);
        BOOST_TEST(!contains(r.err, secret), "stderr shows '" << secret << "'\n" << r);
    }
}

BOOST_AUTO_TEST_SUITE(secrets_channels)

BOOST_AUTO_TEST_CASE(no_url_shape_shows_its_password_on_any_channel_on_the_error_path) {
    Project p;
    p.write_chain({"aaaa0001", "bbbb0002"});
    for (const Shape& shape : kShapes) {
        for (const auto& command : kCommands) {
            std::vector<std::string> args{"--db", shape.url, "--dir", p.dir()};
            args.insert(args.end(), command.begin(), command.end());
            BOOST_TEST_CONTEXT("runner" << shown(args)) {
                const RunResult r = run_runner(args, p.root());
                expect_hidden(r, shape);
                if (contains(shape.url, "://u") || contains(shape.url, "host=")) {
                    // Commands that open the database fail on these: the failure names the URL.
                    if (r.exit_code != 0) {
                        BOOST_TEST(contains(r.out + r.err, "***"), r);
                    }
                }
            }
        }
        // Also from DATABASE_URL and runner.ini.
        integration::write_file(p.path("runner.ini"), "[runner]\ndb = " + shape.url + "\n");
        for (const auto& command :
             {std::vector<std::string>{"current", "-v"},
              std::vector<std::string>{"upgrade", "head", "--format", "json"}}) {
            const RunResult from_ini = run_runner(command, p.root());
            expect_hidden(from_ini, shape);
        }
        std::remove(p.path("runner.ini").c_str());
        const RunResult from_env = run_runner({"--dir", p.dir(), "history", "--verbose"}, p.root(),
                                              {{"DATABASE_URL", shape.url}});
        expect_hidden(from_env, shape);
        BOOST_TEST(!contains(every_file(p), shape.secrets.front()));
    }
}

// A URL with a secret that does open a database (SQLite ignores a file: URI's fragment): the
// success path of every channel, the audit log and the backups keep it out too.
BOOST_AUTO_TEST_CASE(a_password_in_a_url_that_opens_is_shown_nowhere_and_stored_nowhere) {
    Project p;
    p.write_chain({"aaaa0001", "bbbb0002"});
    const Shape shape{"file:app.db#password=zk99Secret", {"zk99Secret"}};
    const std::vector<std::vector<std::string>> sequence = {
        {"upgrade", "+1", "--format", "json"},
        {"upgrade", "head", "--backup"},
        {"current", "-v"},
        {"history", "-v"},
        {"history", "--verbose", "--format", "json"},
        {"check"},
        {"check", "--format", "json"},
        {"graph", "--format", "json"},
        {"backup"},
        {"downgrade", "head:aaaa0001", "--sql"},
        {"downgrade", "-1", "--format", "json"},
        {"upgrade", "head", "--sql"},
        {"stamp", "aaaa0001"},
        {"reset", "--yes", "--format", "json"},
        {"history", "--verbose"},
    };
    for (const auto& command : sequence) {
        std::vector<std::string> args{"--db", shape.url, "--dir", p.dir()};
        args.insert(args.end(), command.begin(), command.end());
        BOOST_TEST_CONTEXT("runner" << shown(args)) {
            const RunResult r = run_runner(args, p.root());
            BOOST_TEST(r.exit_code == 0, r);
            expect_hidden(r, shape);
        }
    }
    // The database really was used, with its audit log and backups: none holds the secret.
    BOOST_TEST(
        integration::query_column(p.path("app.db"), "SELECT count(*) FROM runner_version_log") !=
        std::vector<std::string>{"0"});
    int backups = 0;
    for (const auto& name : list_dir(p.root())) {
        backups += contains(name, "app.db.") && contains(name, "backup") ? 1 : 0;
    }
    BOOST_TEST(backups >= 2, "backups: " << backups);
    BOOST_TEST(!contains(every_file(p), "zk99Secret"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::proof
