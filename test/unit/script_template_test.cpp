// Tests of template rendering: placeholders, omitted optional lines, and errors.
#include "authoring/script_template.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

#include "migration/header.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

TemplateValues root_values() {
    TemplateValues v;
    v.revision = "a1b2c3d4e5f6";
    v.message = "create users table";
    v.create_date = "2026-11-21 10:04:11";
    return v;
}

bool error_is(const Error& e, const std::string& expected) {
    BOOST_TEST(std::string(e.what()) == expected);
    return std::string(e.what()) == expected;
}

BOOST_AUTO_TEST_SUITE(script_template)

BOOST_AUTO_TEST_CASE(the_default_up_template_for_a_root_omits_empty_optional_lines) {
    const std::string text = render_template(kDefaultUpTemplate, root_values(), "up");

    BOOST_TEST(text ==
               "-- revision: a1b2c3d4e5f6\n"
               "-- down_revision:\n"
               "-- message: create users table\n"
               "-- create_date: 2026-11-21 10:04:11\n"
               "\n"
               "-- Write the upgrade below, in plain SQLite SQL. It runs in one transaction "
               "together with\n"
               "-- runner's bookkeeping; for statements that cannot run in a transaction "
               "(VACUUM), add\n"
               "-- the header line \"-- transactional: false\" above the blank line.\n"
               "\n");
}

BOOST_AUTO_TEST_CASE(the_default_templates_fill_every_key_and_parse) {
    TemplateValues v = root_values();
    v.down_revision = "aaaa, bbbb";
    v.branch_labels = "side";
    v.depends_on = "cccc, audit";
    for (const auto tmpl : {kDefaultUpTemplate, kDefaultDownTemplate}) {
        const std::string text = render_template(tmpl, v, "t");
        const Header h = parse_header(text, "new.sql");

        BOOST_TEST(h.revision == "a1b2c3d4e5f6");
        BOOST_TEST(h.down_revisions == (std::vector<std::string>{"aaaa", "bbbb"}));
        BOOST_TEST(h.branch_labels == (std::vector<std::string>{"side"}));
        BOOST_TEST(h.depends_on == (std::vector<std::string>{"cccc", "audit"}));
        BOOST_TEST(h.message == "create users table");
        BOOST_TEST(h.create_date == "2026-11-21 10:04:11");
        BOOST_TEST(h.transactional);
    }
}

BOOST_AUTO_TEST_CASE(values_are_not_expanded_again) {
    TemplateValues v = root_values();
    v.message = "literally ${revision} and ${nope";

    BOOST_TEST(render_template("-- message: ${message}\n", v, "t") ==
               "-- message: literally ${revision} and ${nope\n");
}

BOOST_AUTO_TEST_CASE(a_line_with_a_required_placeholder_stays_even_when_empty) {
    TemplateValues v;
    BOOST_TEST(render_template("-- revision: ${revision}\n-- down_revision: ${down_revision}  \n"
                               "-- labels ${branch_labels} ${depends_on}\nSQL;\n",
                               v, "t") == "-- revision:\n-- down_revision:\nSQL;\n");
}

BOOST_AUTO_TEST_CASE(crlf_templates_stay_crlf) {
    BOOST_TEST(render_template("-- down_revision: ${down_revision}\r\n-- x: ${depends_on}\r\n"
                               "BODY\r\n",
                               root_values(), "t") == "-- down_revision:\r\nBODY\r\n");
}

BOOST_AUTO_TEST_CASE(text_without_placeholders_is_kept_byte_for_byte) {
    const std::string text = "CREATE TABLE t (price TEXT DEFAULT '$5');  \n\n  -- done";
    BOOST_TEST(render_template(text, root_values(), "t") == text);
}

BOOST_AUTO_TEST_CASE(an_unknown_placeholder_names_the_template_line) {
    BOOST_CHECK_EXCEPTION(render_template("-- revision: ${revision}\n-- msg: ${mesage}\n",
                                          root_values(), "sql/template.up.sql.tmpl"),
                          Error, [](const Error& e) {
                              return error_is(
                                  e,
                                  "sql/template.up.sql.tmpl:2: unknown placeholder '${mesage}' "
                                  "(placeholders are ${revision}, ${down_revision}, ${message}, "
                                  "${create_date}, ${branch_labels}, ${depends_on})");
                          });
}

BOOST_AUTO_TEST_CASE(an_unterminated_placeholder_is_an_error) {
    BOOST_CHECK_EXCEPTION(render_template("x\n${revision\n", root_values(), "t"), Error,
                          [](const Error& e) {
                              return error_is(e,
                                              "t:2: '${' without a closing '}' (placeholders are "
                                              "${revision}, ${down_revision}, ${message}, "
                                              "${create_date}, ${branch_labels}, ${depends_on})");
                          });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
