// Proof that a password in a database URL is never printed, whichever command runs and wherever
// the URL comes from (--db, DATABASE_URL, runner.ini, -c FILE).
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "proof_support.hpp"

namespace runner::proof {
namespace {

using integration::contains;
using integration::Project;
using integration::run_runner;
using integration::write_file;

const std::string kSecret = "s3cr3t";
const std::string kUrl = "postgresql://alice:s3cr3t@db.example/prod";
const std::string kMasked = "postgresql://alice:***@db.example/prod";

struct Command {
    std::vector<std::string> args;
    bool opens_database;  // the masked URL then shows up in an error or warning
};

const std::vector<Command> kCommands = {
    {{"upgrade", "head"}, true},   {{"upgrade", "heads"}, true},
    {{"upgrade", "+1"}, true},     {{"downgrade", "-1"}, true},
    {{"downgrade", "base"}, true}, {{"current"}, true},
    {{"current", "-v"}, true},     {{"history", "-v"}, true},
    {{"history", "-i"}, true},     {{"show", "current"}, true},
    {{"stamp", "head"}, true},     {{"stamp", "--purge", "head"}, true},
    {{"show", "head"}, false},     {{"heads", "-v"}, false},
    {{"history"}, false},
};

// Where the URL comes from: extra global options, environment, and files to write first.
struct Source {
    const char* name;
    std::vector<std::string> options;
    EnvOverrides env;
    std::string ini;        // written to runner.ini in the project folder when not empty
    std::string other_ini;  // written to other.ini when not empty
};

std::vector<Source> sources(const Project& p) {
    return {
        {"--db", {"--db", kUrl, "--dir", p.dir()}, {}, "", ""},
        {"--db=", {"--db=" + kUrl, "--dir", p.dir()}, {}, "", ""},
        {"DATABASE_URL", {"--dir", p.dir()}, {{"DATABASE_URL", kUrl}}, "", ""},
        {"runner.ini", {}, {}, "[runner]\ndb = " + kUrl + "\ndir = sql\n", ""},
        {"runner.ini without a section", {}, {}, "db = " + kUrl + "\ndir = sql\n", ""},
        {"-c other.ini", {"-c", p.path("other.ini")}, {}, "", "db = " + kUrl + "\ndir = sql\n"},
    };
}

BOOST_AUTO_TEST_SUITE(secrets)

BOOST_AUTO_TEST_CASE(a_password_in_the_database_url_is_never_printed) {
    Project p;
    p.write_chain({"aaaa0001", "bbbb0002"});
    for (const Source& source : sources(p)) {
        std::remove(p.path("runner.ini").c_str());
        std::remove(p.path("other.ini").c_str());
        if (!source.ini.empty()) {
            write_file(p.path("runner.ini"), source.ini);
        }
        if (!source.other_ini.empty()) {
            write_file(p.path("other.ini"), source.other_ini);
        }
        for (const Command& command : kCommands) {
            std::vector<std::string> args = source.options;
            args.insert(args.end(), command.args.begin(), command.args.end());
            std::string shown;
            for (const auto& a : command.args) {
                shown += " " + a;
            }
            BOOST_TEST_CONTEXT("URL from " << source.name << ", runner" << shown) {
                const RunResult r = run_runner(args, p.root(), source.env);
                BOOST_TEST(!contains(r.out, kSecret), r);
                BOOST_TEST(!contains(r.err, kSecret), r);
                if (command.opens_database) {
                    // The URL was really looked at, and shown masked.
                    BOOST_TEST(contains(r.err, kMasked), r);
                }
            }
        }
    }
}

// More URL shapes whose password is masked.
BOOST_AUTO_TEST_CASE(passwords_in_other_url_shapes_are_never_printed) {
    Project p;
    p.write_chain({"aaaa0001"});
    for (const std::string url : {
             "postgresql://alice:s3cr3t@db.example:5432/prod",
             "postgresql://alice:s3cr3t@db.example/prod?sslmode=require",
             "postgresql://alice:s3cr3t%40x@db.example/prod",
             "postgresql://:s3cr3t@db.example/prod",
             "postgresql://alice:s3cr3t@[::1]:5432/prod",
             "postgresql://alice:s3cr3t@db1.example,db2.example/prod",
             "postgresql+psycopg2://alice:s3cr3t@db.example/prod",
             "mysql://alice:s3cr3t@db.example/prod",
             "sqlite://alice:s3cr3t@/x.db",
         }) {
        for (const std::vector<std::string>& command :
             {std::vector<std::string>{"upgrade", "head"}, {"current", "-v"}, {"history", "-v"}}) {
            BOOST_TEST_CONTEXT("--db " << url << " " << command.front()) {
                std::vector<std::string> args{"--db", url, "--dir", p.dir()};
                args.insert(args.end(), command.begin(), command.end());
                const RunResult r = run_runner(args, p.root());
                BOOST_TEST(!contains(r.out + r.err, kSecret), r);
                BOOST_TEST(contains(r.err, ":***@"), r);
            }
        }
    }
}

// Passwords holding a '/', a raw '@' or given as libpq's `?password=` parameter: the userinfo
// runs to the last '@', and secret query parameters are masked too.
BOOST_AUTO_TEST_CASE(passwords_with_a_slash_an_at_sign_or_in_the_query_are_never_printed) {
    Project p;
    p.write_chain({"aaaa0001"});
    for (const std::string url : {
             "postgresql://alice:pw/s3cr3t@db.example/prod",
             "postgresql://db.example/prod?user=alice&password=s3cr3t",
             "postgresql://alice:pw@s3cr3t@db.example/prod",
         }) {
        BOOST_TEST_CONTEXT("--db " << url << " current") {
            const RunResult r = run_runner({"--db", url, "--dir", p.dir(), "current"}, p.root());
            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(!contains(r.out + r.err, kSecret), r);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::proof
