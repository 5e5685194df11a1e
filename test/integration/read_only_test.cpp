// Commands that only read never create the database file and never change an existing one.
#include <fcntl.h>
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// Every read-only command, with the options that make it look at the database.
const std::vector<std::vector<std::string>> kReadOnlyCommands = {
    {"current"},        {"current", "-v"},  {"history"},
    {"history", "-i"},  {"history", "-v"},  {"history", "-r", "current:"},
    {"heads"},          {"heads", "-v"},    {"branches"},
    {"branches", "-v"}, {"show", "root01"}, {"show", "current"},
    {"show", "heads"},
};

std::string joined(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args) {
        text += (text.empty() ? "" : " ") + a;
    }
    return text;
}

// root01 branches into left02 (label left) and right02.
void write_branchy_project(const Project& p) {
    write_migration(p.dir(), "0001_root", "root01", {}, "CREATE TABLE root (x);\n",
                    "DROP TABLE root;\n");
    write_migration(p.dir(), "0002_left", "left02", {"root01"}, "CREATE TABLE left_t (x);\n",
                    "DROP TABLE left_t;\n", {"branch_labels: left"});
    write_migration(p.dir(), "0003_right", "right02", {"root01"}, "CREATE TABLE right_t (x);\n",
                    "DROP TABLE right_t;\n");
}

// Moves the file's modification time an hour back, so that any write would be visible.
void age(const std::string& path) {
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    timespec times[2] = {st.st_atim, st.st_mtim};
    times[0].tv_sec -= 3600;
    times[1].tv_sec -= 3600;
    BOOST_REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

// Runs every read-only command on the project and checks that the folder holding the database
// and the database file itself (when there is one) are exactly as before.
void check_read_only_commands_leave_database_alone(const Project& p) {
    const bool had_db = file_exists(p.db());
    if (had_db) {
        age(p.db());
    }
    const auto files_before = list_dir(p.root());
    const std::string bytes_before = had_db ? file_bytes(p.db()) : "";
    const long long mtime_before = had_db ? file_mtime_ns(p.db()) : 0;

    for (const auto& command : kReadOnlyCommands) {
        BOOST_TEST_CONTEXT("runner " << joined(command)) {
            const RunResult r = p.run(command);
            BOOST_TEST(r.exit_code == 0, r);
            BOOST_TEST(file_exists(p.db()) == had_db);
            BOOST_TEST(list_dir(p.root()) == files_before, boost::test_tools::per_element());
            if (had_db) {
                BOOST_TEST((file_bytes(p.db()) == bytes_before), "the database file changed");
                BOOST_TEST(file_mtime_ns(p.db()) == mtime_before);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE(read_only_commands)

BOOST_AUTO_TEST_CASE(read_only_commands_never_create_a_missing_database) {
    Project p;
    write_branchy_project(p);

    check_read_only_commands_leave_database_alone(p);

    BOOST_TEST(p.run({"current"}).out == "");
    BOOST_TEST(p.run({"current", "-v"}).out == "Current revision(s) for " + p.db() + ":\n");
}

BOOST_AUTO_TEST_CASE(read_only_commands_never_modify_a_migrated_database) {
    Project p;
    write_branchy_project(p);
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "heads"}).exit_code, 0);

    check_read_only_commands_leave_database_alone(p);
}

BOOST_AUTO_TEST_CASE(read_only_commands_never_add_a_version_table_to_an_unmanaged_database) {
    Project p;
    write_branchy_project(p);
    exec_sql(p.db(), "CREATE TABLE existing (x); INSERT INTO existing VALUES (1);");

    check_read_only_commands_leave_database_alone(p);

    BOOST_TEST(table_names(p.db()) == std::vector<std::string>{"existing"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
