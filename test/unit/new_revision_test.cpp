// Tests of what `revision` and `merge` decide before writing: parents, ids, labels,
// dependencies, refusals, and the rendered files.
#include "authoring/new_revision.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "authoring/script_template.hpp"
#include "migration/header.hpp"
#include "test_graphs.hpp"

namespace runner {
namespace {

using test::make_graph;
using test::make_migration;
using Ids = std::vector<std::string>;

// Hands out the given ids in order, then "exhausted".
IdSource ids(Ids list) {
    auto next = std::make_shared<std::size_t>(0);
    return [list = std::move(list), next]() {
        return *next < list.size() ? list[(*next)++] : std::string("exhausted");
    };
}

RevisionRequest message(const std::string& text) {
    RevisionRequest r;
    r.message = text;
    return r;
}

// a1 <- b2 (label left), a1 <- c3 (label right): two heads.
RevisionGraph two_heads() {
    return make_graph({{"aaaa1111"},
                       {"bbbb2222", {"aaaa1111"}, {"left"}},
                       {"cccc3333", {"aaaa1111"}, {"right"}}});
}

RevisionGraph chain() {
    return make_graph({{"aaaa1111"}, {"bbbb2222", {"aaaa1111"}}});
}

bool error_is(const Error& e, const std::string& expected) {
    BOOST_TEST(std::string(e.what()) == expected);
    return std::string(e.what()) == expected;
}

Template built_in_up() {
    return {std::string(kDefaultUpTemplate), "the built-in up template"};
}
Template built_in_down() {
    return {std::string(kDefaultDownTemplate), "the built-in down template"};
}

BOOST_AUTO_TEST_SUITE(new_revision)

BOOST_AUTO_TEST_CASE(a_revision_builds_on_the_single_head_with_a_fresh_id) {
    const auto n = plan_revision(chain(), message("add x"), ids({"f00dfeedbeef"}));

    BOOST_TEST(n.revision == "f00dfeedbeef");
    BOOST_TEST(n.down_revisions == Ids{"bbbb2222"});
    BOOST_TEST(n.branch_labels.empty());
    BOOST_TEST(n.depends_on.empty());
    BOOST_TEST(n.message == "add x");
}

BOOST_AUTO_TEST_CASE(the_first_revision_is_a_root) {
    const auto n = plan_revision(make_graph({}), message("first"), ids({"aaaa"}));

    BOOST_TEST(n.down_revisions.empty());
}

BOOST_AUTO_TEST_CASE(generated_ids_already_in_use_are_skipped) {
    const auto graph = make_graph({{"aaaa1111", {}, {"taken"}}});
    const auto n = plan_revision(graph, message("x"), ids({"aaaa1111", "taken", "head", "cafe"}));

    BOOST_TEST(n.revision == "cafe");
}

BOOST_AUTO_TEST_CASE(several_heads_without_head_are_refused_with_both_ways_out) {
    BOOST_CHECK_EXCEPTION(
        plan_revision(two_heads(), message("x"), ids({"d"})), Error, [](const Error& e) {
            return error_is(e,
                            "Multiple heads are present (bbbb2222 (left); cccc3333 (right)); "
                            "please choose the head the new revision builds on with --head REV "
                            "or --head LABEL@head, or join them first with 'runner merge heads "
                            "-m MESSAGE'");
        });
}

BOOST_AUTO_TEST_CASE(head_chooses_one_of_several_heads_by_id_prefix_or_label) {
    for (const std::string head : {"cccc3333", "cccc", "right@head", "right"}) {
        RevisionRequest r = message("x");
        r.head = head;
        BOOST_TEST(plan_revision(two_heads(), r, ids({"dddd"})).down_revisions == Ids{"cccc3333"},
                   "--head " << head);
    }
}

BOOST_AUTO_TEST_CASE(head_on_a_non_head_needs_splice) {
    RevisionRequest r = message("x");
    r.head = "aaaa1111";
    BOOST_CHECK_EXCEPTION(plan_revision(two_heads(), r, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "Revision aaaa1111 is not a head revision; please specify --splice to "
                        "create a new branch from this revision");
    });

    r.splice = true;
    BOOST_TEST(plan_revision(two_heads(), r, ids({"dddd"})).down_revisions == Ids{"aaaa1111"});
}

BOOST_AUTO_TEST_CASE(head_base_starts_a_new_root) {
    RevisionRequest r = message("x");
    r.head = "base";
    BOOST_TEST(plan_revision(two_heads(), r, ids({"dddd"})).down_revisions.empty());
}

BOOST_AUTO_TEST_CASE(head_naming_several_revisions_or_nothing_is_refused) {
    RevisionRequest r = message("x");
    r.head = "heads";
    BOOST_CHECK_EXCEPTION(plan_revision(two_heads(), r, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "--head 'heads' names 2 revisions; a new revision builds on one (to "
                        "join several, use 'runner merge')");
    });
    r.head = "nosuch";
    BOOST_CHECK_EXCEPTION(plan_revision(two_heads(), r, ids({"d"})), Error, [](const Error& e) {
        return std::string(e.what()).rfind(
                   "--head 'nosuch': Can't locate revision identified by 'nosuch'", 0) == 0;
    });
}

BOOST_AUTO_TEST_CASE(rev_ids_must_be_new_identifiers) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"abc-123",
         "--rev-id 'abc-123' may contain only letters, digits and '_' ('@', '+', '-', ':' have "
         "meanings in targets)"},
        {"a b",
         "--rev-id 'a b' may contain only letters, digits and '_' ('@', '+', '-', ':' "
         "have meanings in targets)"},
        {"heads", "--rev-id 'heads' is reserved: it already means something in targets"},
        {"bbbb2222", "--rev-id 'bbbb2222' is already used: it is the revision of bbbb2222.up.sql"},
        {"left",
         "--rev-id 'left' is already used: it is a branch label of revision bbbb2222 "
         "(bbbb2222.up.sql)"},
    };
    for (const auto& [id, expected] : cases) {
        RevisionRequest r = message("x");
        r.rev_id = id;
        r.head = "left@head";
        BOOST_CHECK_EXCEPTION(plan_revision(two_heads(), r, ids({})), Error,
                              [&](const Error& e) { return error_is(e, expected); });
    }
}

BOOST_AUTO_TEST_CASE(branch_labels_must_be_new_and_distinct) {
    const std::vector<std::pair<Ids, std::string>> cases = {
        {{"left"},
         "--branch-label 'left' is already used: it is a branch label of revision bbbb2222 "
         "(bbbb2222.up.sql)"},
        {{"cccc3333"},
         "--branch-label 'cccc3333' is already used: it is the revision of cccc3333.up.sql"},
        {{"side, side"}, "--branch-label 'side' is given twice"},
        {{"newid"}, "--branch-label 'newid' is the new revision's own id"},
        {{"base"}, "--branch-label 'base' is reserved: it already means something in targets"},
        {{"a@b"},
         "--branch-label 'a@b' may contain only letters, digits and '_' ('@', '+', '-', ':' "
         "have meanings in targets)"},
    };
    for (const auto& [labels, expected] : cases) {
        RevisionRequest r = message("x");
        r.head = "left@head";
        r.rev_id = "newid";
        r.branch_labels = labels;
        BOOST_CHECK_EXCEPTION(plan_revision(two_heads(), r, ids({})), Error,
                              [&](const Error& e) { return error_is(e, expected); });
    }
}

BOOST_AUTO_TEST_CASE(labels_and_dependencies_accept_repeats_and_comma_lists) {
    RevisionRequest r = message("x");
    r.head = "left@head";
    r.branch_labels = {"one, two", "three"};
    r.depends_on = {"cccc, right", "aaaa1111", "cccc3333"};

    const auto n = plan_revision(two_heads(), r, ids({"dddd"}));

    BOOST_TEST(n.branch_labels == (Ids{"one", "two", "three"}));
    // A prefix becomes the full id; a label stays a label; repeats collapse.
    BOOST_TEST(n.depends_on == (Ids{"cccc3333", "right", "aaaa1111"}));
}

BOOST_AUTO_TEST_CASE(an_unknown_dependency_is_refused) {
    RevisionRequest r = message("x");
    r.head = "left@head";
    r.depends_on = {"nosuch"};
    BOOST_CHECK_EXCEPTION(plan_revision(two_heads(), r, ids({"d"})), Error, [](const Error& e) {
        return std::string(e.what()).rfind(
                   "--depends-on 'nosuch': Can't locate revision identified by 'nosuch'", 0) == 0;
    });
    r.depends_on = {"base"};
    BOOST_CHECK_EXCEPTION(plan_revision(two_heads(), r, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "--depends-on 'base' names no revision; name one revision or branch "
                        "label");
    });
}

BOOST_AUTO_TEST_CASE(the_message_loses_line_breaks_only) {
    const auto n = plan_revision(chain(), message(" two\nlines 'q' ../x "), ids({"dddd"}));
    BOOST_TEST(n.message == "two lines 'q' ../x");
}

BOOST_AUTO_TEST_CASE(a_merge_of_heads_joins_every_head) {
    MergeRequest m;
    m.message = "merge";
    const auto n = plan_merge(two_heads(), m, ids({"dddd"}));

    BOOST_TEST(n.down_revisions == (Ids{"bbbb2222", "cccc3333"}));
    BOOST_TEST(n.revision == "dddd");
}

BOOST_AUTO_TEST_CASE(a_merge_of_named_revisions_keeps_their_order) {
    MergeRequest m;
    m.revisions = {"right", "bbbb"};
    BOOST_TEST(plan_merge(two_heads(), m, ids({"dddd"})).down_revisions ==
               (Ids{"cccc3333", "bbbb2222"}));
}

BOOST_AUTO_TEST_CASE(a_merge_refuses_a_single_or_duplicate_parent) {
    MergeRequest m;
    BOOST_CHECK_EXCEPTION(plan_merge(chain(), m, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "a merge joins two or more revisions, but 'heads' names only bbbb2222; "
                        "nothing to merge");
    });
    BOOST_CHECK_EXCEPTION(plan_merge(make_graph({}), m, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "a merge joins two or more revisions, but 'heads' names none; nothing "
                        "to merge");
    });
    m.revisions = {"bbbb2222", "left"};
    BOOST_CHECK_EXCEPTION(plan_merge(two_heads(), m, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "Duplicate head revisions specified: bbbb2222 is named more than once; a "
                        "merge joins different revisions");
    });
}

BOOST_AUTO_TEST_CASE(a_merge_of_non_heads_needs_splice_and_never_joins_an_ancestor) {
    MergeRequest m;
    m.revisions = {"aaaa1111", "bbbb2222"};
    BOOST_CHECK_EXCEPTION(plan_merge(two_heads(), m, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "Revision aaaa1111 is not a head revision; please specify --splice to "
                        "create a new branch from this revision");
    });
    m.splice = true;
    BOOST_CHECK_EXCEPTION(plan_merge(two_heads(), m, ids({"d"})), Error, [](const Error& e) {
        return error_is(e,
                        "cannot merge aaaa1111 with its descendant bbbb2222; a merge joins "
                        "revisions on different branches");
    });
}

BOOST_AUTO_TEST_CASE(the_draft_numbers_names_and_renders_both_files) {
    std::vector<Migration> ms = {make_migration({"aaaa1111"}),
                                 make_migration({"bbbb2222", {"aaaa1111"}})};
    ms[0].up_path = "sql/0001_first.up.sql";
    ms[1].up_path = "sql/0007_second.up.sql";
    const RevisionGraph graph(std::move(ms));
    const auto n = plan_revision(graph, message("Add users.email ../../x"), ids({"cafe01"}));

    const Draft d =
        draft_files(graph, n, built_in_up(), built_in_down(), "2026-01-02 03:04:05", "sql/");

    BOOST_TEST(d.up_path == "sql/0008_add_users_email_x.up.sql");
    BOOST_TEST(d.down_path == "sql/0008_add_users_email_x.down.sql");
    BOOST_TEST(d.up_text.rfind("-- revision: cafe01\n-- down_revision: bbbb2222\n"
                               "-- message: Add users.email ../../x\n"
                               "-- create_date: 2026-01-02 03:04:05\n\n",
                               0) == 0);
    BOOST_TEST(parse_header(d.down_text, "d").revision == "cafe01");
    BOOST_TEST(d.heads_after == Ids{"cafe01"});
}

BOOST_AUTO_TEST_CASE(the_draft_of_a_merge_leaves_one_head) {
    MergeRequest m;
    m.message = "join";
    const auto n = plan_merge(two_heads(), m, ids({"dddd4444"}));

    const Draft d = draft_files(two_heads(), n, built_in_up(), built_in_down(), "d", "sql");

    BOOST_TEST(d.heads_after == Ids{"dddd4444"});
    BOOST_TEST(parse_header(d.up_text, "u").down_revisions == (Ids{"bbbb2222", "cccc3333"}));
}

BOOST_AUTO_TEST_CASE(a_template_that_breaks_the_header_is_refused) {
    const auto n = plan_revision(chain(), message("x"), ids({"cafe"}));
    const Template no_parent{"-- revision: ${revision}\n\nSELECT 1;\n", "sql/template.up.sql.tmpl"};
    BOOST_CHECK_EXCEPTION(
        draft_files(chain(), n, no_parent, built_in_down(), "d", "sql"), Error, [](const Error& e) {
            return error_is(e,
                            "sql/template.up.sql.tmpl does not render a valid migration header "
                            "(sql/0001_x.up.sql:3: header has no 'down_revision' line (leave its "
                            "value empty for a root)); nothing was written");
        });

    const Template fixed_id{"-- revision: abc\n-- down_revision: ${down_revision}\n",
                            "sql/template.down.sql.tmpl"};
    BOOST_CHECK_EXCEPTION(draft_files(chain(), n, built_in_up(), fixed_id, "d", "sql"), Error,
                          [](const Error& e) {
                              return error_is(e,
                                              "sql/template.down.sql.tmpl renders revision as "
                                              "'abc' instead of 'cafe' (write it as ${revision}); "
                                              "nothing was written");
                          });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
