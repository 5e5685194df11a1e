// The built runner reaches PostgreSQL from every way a user names a database: postgresql:// and
// postgres:// URLs, SQLAlchemy driver parts, libpq keyword/value strings (any whitespace), and
// the PG* environment variables; passwords never appear in what it prints.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::run_runner;

BOOST_AUTO_TEST_SUITE(pg_dispatch)

BOOST_AUTO_TEST_CASE(upgrade_and_current_work_through_every_url_spelling) {
    const auto& c = cluster();
    const std::string query = "?host=" + c.host + "&port=" + c.port + "&user=" + c.user;
    const std::vector<std::string> spellings = {
        "postgresql:///{db}" + query,
        "postgres:///{db}" + query,
        "postgresql+psycopg2:///{db}" + query,
        "POSTGRES+asyncpg:///{db}" + query,
        "host=" + c.host + " port=" + c.port + " user=" + c.user + " dbname={db}",
        "\tdbname={db}\nhost=" + c.host + "\tport=" + c.port + " user=" + c.user,
        "target_session_attrs=any host=" + c.host + " port=" + c.port + " user=" + c.user +
            " dbname={db}",
    };
    for (auto url : spellings) {
        PgProject p;
        url.replace(url.find("{db}"), 4, p.database());
        BOOST_TEST_CONTEXT(url) {
            p.write_chain({"a1", "b2"});
            const auto up =
                run_runner({"--db", url, "--dir", p.dir(), "upgrade", "head"}, p.root());
            BOOST_TEST(up.exit_code == 0, up);
            BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2"}));
            BOOST_TEST(p.value("SELECT to_regclass('t_b2') IS NOT NULL") == "t");
            const auto current = run_runner({"--db", url, "--dir", p.dir(), "current"}, p.root());
            BOOST_TEST(current.exit_code == 0, current);
            BOOST_TEST(current.out == "b2 (head)\n", current);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_pg_environment_variables_fill_in_what_the_url_leaves_out) {
    const auto& c = cluster();
    PgProject p;
    p.write_chain({"a1"});
    const integration::EnvOverrides env = {
        {"PGHOST", c.host}, {"PGPORT", c.port}, {"PGUSER", c.user}, {"PGDATABASE", p.database()}};
    const auto up =
        run_runner({"--db", "postgresql://", "--dir", p.dir(), "upgrade", "head"}, p.root(), env);
    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(p.applied() == std::vector<std::string>{"a1"});
    const auto from_env = run_runner({"--dir", p.dir(), "current"}, p.root(),
                                     {{"PGHOST", c.host},
                                      {"PGPORT", c.port},
                                      {"PGUSER", c.user},
                                      {"DATABASE_URL", "postgresql:///" + p.database()}});
    BOOST_TEST(from_env.out == "a1 (head)\n", from_env);
}

BOOST_AUTO_TEST_CASE(a_wrong_password_fails_in_one_line_that_never_shows_it) {
    const auto& c = cluster();
    add_password_role("dispatch_pw", "right-Pw-1");
    PgProject p;
    p.write_chain({"a1"});
    const std::vector<std::string> urls = {
        "postgresql://dispatch_pw:wr0ngSecret@/" + p.database() + "?host=" + c.host +
            "&port=" + c.port,
        "host=" + c.host + " port=" + c.port +
            " user=dispatch_pw password=wr0ngSecret dbname=" + p.database(),
        "postgresql:///" + p.database() + "?host=" + c.host + "&port=" + c.port +
            "&user=dispatch_pw&password=wr0ngSecret",
    };
    for (const auto& url : urls) {
        BOOST_TEST_CONTEXT(url) {
            for (const auto& args : std::vector<std::vector<std::string>>{
                     {"upgrade", "head"}, {"current"}, {"history", "-v"}, {"check"}}) {
                std::vector<std::string> all{"--db", url, "--dir", p.dir()};
                all.insert(all.end(), args.begin(), args.end());
                const auto r = run_runner(all, p.root());
                BOOST_TEST(!contains(r.out + r.err, "wr0ngSecret"), r);
                // history -v still lists the files, with a warning that it cannot connect.
                const bool listing = args[0] == "history";
                BOOST_TEST(r.exit_code == (listing ? 0 : 1), r);
                BOOST_TEST(contains(r.err, listing ? "warning: " : "runner: error: "), r);
                BOOST_TEST(contains(r.err, "password authentication failed"), r);
                BOOST_TEST(integration::lines_of(r.err).size() == 1u, r);
            }
        }
    }
    BOOST_TEST(p.applied().empty());
}

BOOST_AUTO_TEST_CASE(an_unknown_scheme_names_the_ones_runner_opens) {
    PgProject p;
    p.write_chain({"a1"});
    const auto r =
        run_runner({"--db", "mysql://u:s3cret@h/db", "--dir", p.dir(), "current"}, p.root());
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(!contains(r.err, "s3cret"), r);
    BOOST_TEST(contains(r.err, "'mysql'"), r);
    BOOST_TEST(contains(r.err, "postgresql"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
