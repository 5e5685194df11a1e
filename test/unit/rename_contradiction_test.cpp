// A --rename hint the desired schema contradicts is refused with the reason, before any SQL is
// planned: the old name still exists there, two hints claim one new name, or one name is
// renamed twice.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "schema/migration_plan.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

ColumnDef col(const std::string& name) {
    ColumnDef c;
    c.name = name;
    c.type = "TEXT";
    return c;
}

TableDef table(const std::string& name, const std::vector<std::string>& columns) {
    TableDef t;
    t.name = name;
    for (const std::string& c : columns) {
        t.columns.push_back(col(c));
    }
    return t;
}

Schema schema(std::vector<TableDef> tables) {
    Schema s;
    s.tables = std::move(tables);
    canonicalize(s);
    return s;
}

// The message plan_migration refuses the hints with; "(accepted)" when it plans them.
std::string refusal(const Schema& from, const Schema& to, const std::vector<std::string>& hints) {
    std::vector<RenameHint> parsed;
    for (const std::string& h : hints) {
        parsed.push_back(parse_rename_hint(h));
    }
    try {
        plan_migration(from, to, parsed);
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

BOOST_AUTO_TEST_CASE(a_table_rename_is_refused_when_the_desired_schema_still_has_the_old_table) {
    const Schema a = schema({table("users", {"id", "name"})});
    const Schema b = schema({table("users", {"id", "name"}), table("members", {"id", "name"})});
    BOOST_TEST(refusal(a, b, {"users=members"}) ==
               "--rename users=members: the desired schema still has table users, so it was not "
               "renamed (leave out --rename to add members as a new table)");
}

BOOST_AUTO_TEST_CASE(a_column_rename_is_refused_when_the_desired_table_still_has_the_old_column) {
    const Schema a = schema({table("users", {"id", "email"})});
    const Schema b = schema({table("users", {"id", "email", "mail"})});
    BOOST_TEST(refusal(a, b, {"users.email=mail"}) ==
               "--rename users.email=mail: the desired table users still has column email, so it "
               "was not renamed (leave out --rename to add mail as a new column)");
}

BOOST_AUTO_TEST_CASE(two_hints_that_give_one_new_name_are_refused) {
    const Schema a = schema({table("users", {"id"}), table("people", {"id"})});
    const Schema b = schema({table("members", {"id"})});
    BOOST_TEST(refusal(a, b, {"users=members", "people=members"}) ==
               "--rename people=members: members is already the new name of users "
               "(--rename users=members)");
}

BOOST_AUTO_TEST_CASE(a_name_renamed_twice_is_refused) {
    const Schema a = schema({table("users", {"id", "email"})});
    const Schema b = schema({table("users", {"id", "mail"})});
    BOOST_TEST(refusal(a, b, {"users.email=mail", "users.email=address"}) ==
               "--rename users.email=address: users.email is already renamed "
               "(--rename users.email=mail)");
}

BOOST_AUTO_TEST_CASE(a_rename_the_desired_schema_agrees_with_is_accepted) {
    const Schema a = schema({table("users", {"id", "email"})});
    const Schema b = schema({table("members", {"id", "mail"})});
    BOOST_TEST(refusal(a, b, {"users=members", "users.email=mail"}) == "(accepted)");
}

}  // namespace
}  // namespace runner
