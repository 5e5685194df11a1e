// Each command's arguments parsed into its options struct without running it: what a user
// typed becomes the options the run function sees, and bad input is a usage error before any
// file or database is touched.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "commands/options.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

struct Fixture {
    std::ostringstream out;
    std::ostringstream err;
    Context ctx{Overrides{}, nullptr, out, err, out};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(command_options, Fixture)

BOOST_AUTO_TEST_CASE(a_relative_downgrade_target_is_a_target_not_an_option) {
    const auto o = parse_downgrade(ctx, {"-1", "--atomic", "--format", "json"});
    BOOST_REQUIRE(o);
    BOOST_TEST(o->target == "-1");
    BOOST_TEST(o->atomic);
    BOOST_TEST(o->json);
    BOOST_TEST(!o->sql);
    BOOST_TEST(!o->backup);
}

BOOST_AUTO_TEST_CASE(upgrade_reads_every_flag_it_shares_with_downgrade) {
    const auto o = parse_upgrade(
        ctx, {"--sql", "--backup", "--resume", "--allow-drift", "--no-create", "base:+2"});
    BOOST_REQUIRE(o);
    BOOST_TEST(o->target == "base:+2");
    BOOST_TEST(o->sql);
    BOOST_TEST(o->backup);
    BOOST_TEST(o->resume);
    BOOST_TEST(o->allow_drift);
    BOOST_TEST(o->no_create);
    BOOST_TEST(!o->json);
}

BOOST_AUTO_TEST_CASE(help_prints_usage_and_gives_no_options_to_run) {
    BOOST_TEST(!parse_upgrade(ctx, {"--help"}));
    BOOST_TEST(out.str().find("upgrade") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_target_or_an_unknown_format_is_a_usage_error) {
    BOOST_CHECK_THROW(parse_upgrade(ctx, {}), UsageError);
    BOOST_CHECK_THROW(parse_current(ctx, {"--format", "yaml"}), UsageError);
    BOOST_CHECK_THROW(parse_graph(ctx, {"--format", "png"}), UsageError);
}

BOOST_AUTO_TEST_CASE(history_splits_its_range_and_checks_the_log_limit) {
    const auto o = parse_history(ctx, {"-r", "-3:current", "-v", "--log-limit", "0"});
    BOOST_REQUIRE(o);
    BOOST_TEST(o->lower == "-3");
    BOOST_TEST(o->upper == "current");
    BOOST_TEST(o->verbose);
    BOOST_TEST(o->log_limit == 0U);
    BOOST_CHECK_THROW(parse_history(ctx, {"-r", "nocolon"}), UsageError);
    BOOST_CHECK_THROW(parse_history(ctx, {"--log-limit", "-1"}), UsageError);
}

BOOST_AUTO_TEST_CASE(stamp_refuses_a_range_and_rebless_an_empty_reason) {
    const auto o = parse_stamp(ctx, {"--purge", "a1", "b2"});
    BOOST_REQUIRE(o);
    BOOST_TEST(o->purge);
    BOOST_TEST(o->targets == (std::vector<std::string>{"a1", "b2"}),
               boost::test_tools::per_element());
    BOOST_CHECK_THROW(parse_stamp(ctx, {"a1:b2"}), UsageError);
    BOOST_CHECK_THROW(parse_rebless(ctx, {"a1", "--reason", "  "}), UsageError);
}

BOOST_AUTO_TEST_CASE(revision_collects_repeated_and_comma_listed_values) {
    const auto o = parse_revision(ctx, {"-m", "add users", "--branch-label", "shop", "--depends-on",
                                        "a1", "--depends-on", "b2", "--head", "base"});
    BOOST_REQUIRE(o);
    BOOST_TEST(o->message == "add users");
    BOOST_TEST(o->branch_labels == (std::vector<std::string>{"shop"}),
               boost::test_tools::per_element());
    BOOST_TEST(o->depends_on.size() == 2U);
    BOOST_REQUIRE(o->head);
    BOOST_TEST(*o->head == "base");
    BOOST_TEST(!o->rev_id);
    BOOST_CHECK_THROW(parse_revision(ctx, {}), UsageError);
}

BOOST_AUTO_TEST_CASE(adopt_refuses_a_table_name_that_is_not_an_identifier) {
    BOOST_CHECK_THROW(parse_adopt(ctx, {"--alembic-table", "x; DROP TABLE y"}), UsageError);
    const auto o = parse_adopt(ctx, {"--drop-alembic-table"});
    BOOST_REQUIRE(o);
    BOOST_TEST(o->alembic_table == "alembic_version");
    BOOST_TEST(o->drop_alembic_table);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
