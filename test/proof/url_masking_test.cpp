// Proof that one masking function covers every URL shape in every output channel: errors on
// stderr, --format json on stdout, --verbose, history -v and the offline script's header.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "proof_support.hpp"

namespace runner::proof {
namespace {

using integration::contains;
using integration::Project;
using integration::run_runner;

const std::string kSecret = "hunter2";

// Every shape a password reaches runner in; each must come out without it.
const std::vector<std::string> kUrls = {
    "sqlite:///?password=hunter2",
    "sqlite:///app.db?password=hunter2",
    "sqlite:///app.db?mode=ro&password=hunter2",
    "sqlite:///app.db?pass%77ord=hunter2",
    "file:app.db?password=hunter2",
    "postgresql://alice:pa?sshunter2@host/db",
    "postgresql://alice:pa#hunter2@host/db",
    "postgresql://alice:hunter2%40x@host/db",
    "postgresql://alice:hunter%32@host/db",
    "postgresql://alice@host/db?sslmode=require&password=hunter2",
    "postgresql://alice@host/db?sslpassword=hunter2",
    "postgresql://alice:hunter2@host/db?options=-c%20a@b",
    "host=db.example user=alice password=hunter2 dbname=prod",
    "host=db.example password = 'hun ter2' dbname=prod",
    "mysql+pymysql://alice:hunter2@host/db",
};

const std::vector<std::vector<std::string>> kCommands = {
    {"current"},
    {"current", "--verbose"},
    {"current", "--format", "json"},
    {"check", "--format", "json"},
    {"history", "-v"},
    {"history", "--format", "json"},
    {"show", "current"},
    {"upgrade", "head"},
    {"upgrade", "head", "--format", "json"},
    {"upgrade", "head", "--sql"},
    {"downgrade", "-1"},
    {"stamp", "head"},
    {"backup"},
    {"graph", "--format", "json"},
};

BOOST_AUTO_TEST_SUITE(url_masking)

BOOST_AUTO_TEST_CASE(no_url_shape_prints_its_password_on_any_channel) {
    Project p;
    p.write_chain({"aaaa0001"});
    for (const auto& url : kUrls) {
        for (const auto& command : kCommands) {
            std::string shown;
            for (const auto& a : command) {
                shown += " " + a;
            }
            BOOST_TEST_CONTEXT("--db '" << url << "'" << shown) {
                std::vector<std::string> args{"--db", url, "--dir", p.dir()};
                args.insert(args.end(), command.begin(), command.end());
                const RunResult r = run_runner(args, p.root());
                BOOST_TEST(!contains(r.out, kSecret), r);
                BOOST_TEST(!contains(r.err, kSecret), r);
                BOOST_TEST(!contains(r.out + r.err, "hunter%32"), r);
                BOOST_TEST(!contains(r.out + r.err, "hun ter2"), r);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(masked_urls_still_say_which_database_was_meant) {
    Project p;
    p.write_chain({"aaaa0001"});
    const RunResult r = run_runner(
        {"--db", "postgresql://alice:pa?sshunter2@host/db", "--dir", p.dir(), "current"}, p.root());
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "postgresql://alice:***@host/db"), r);
    const RunResult q =
        run_runner({"--db", "sqlite:///?password=hunter2", "--dir", p.dir(), "current"}, p.root());
    BOOST_TEST(q.exit_code == 1, q);
    BOOST_TEST(contains(q.err, "sqlite:///?password=***"), q);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::proof
