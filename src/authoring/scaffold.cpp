// The files `runner init` creates for a new project.
#include "authoring/scaffold.hpp"

#include <boost/filesystem/path.hpp>

#include "authoring/heads_manifest.hpp"
#include "authoring/script_template.hpp"
#include "migration/script_directory.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

namespace fs = boost::filesystem;

// runner.ini is read by boost::program_options, which ends a value at '#' and trims blanks.
void check_ini_value(const std::string& what, const std::string& value) {
    if (value.empty() || trim(value) != value ||
        value.find_first_of("#\r\n") != std::string::npos) {
        throw Error(what + " '" + printable(value) +
                    "' cannot be written to runner.ini (it must be non-empty, without '#', line "
                    "breaks or surrounding blanks)");
    }
}

std::string config_text(const std::string& dir, const std::string& db) {
    return "# runner's settings for this project. Command-line flags (--db, --dir) and the\n"
           "# DATABASE_URL environment variable override them. Relative paths are relative to\n"
           "# this file's directory.\n"
           "[runner]\n"
           "# The database: a path, sqlite:///relative/path or sqlite:////absolute/path.\n"
           "db = " +
           db +
           "\n"
           "# The migrations directory. It holds the NNNN_slug.up.sql / NNNN_slug.down.sql pairs;\n"
           "# the templates `runner revision` and `runner merge` fill in (template.up.sql.tmpl,\n"
           "# template.down.sql.tmpl; placeholders ${revision}, ${down_revision}, ${message},\n"
           "# ${create_date}, ${branch_labels}, ${depends_on}); and HEADS, the current head\n"
           "# revision(s), which makes git report two branches that each add a migration.\n"
           "dir = " +
           dir +
           "\n"
           "# The table that records applied revisions.\n"
           "version_table = runner_version\n";
}

std::string in_dir(const std::string& dir, const char* name) {
    return (fs::path(dir) / name).lexically_normal().string();
}

}  // namespace

std::vector<ScaffoldFile> scaffold_files(const std::string& config_path, const std::string& dir,
                                         const std::string& db) {
    check_ini_value("migrations directory", dir);
    check_ini_value("database", db);
    return {
        {in_dir(dir, kUpTemplateFile), std::string(kDefaultUpTemplate)},
        {in_dir(dir, kDownTemplateFile), std::string(kDefaultDownTemplate)},
        {in_dir(dir, kHeadsManifestFile), render_heads_manifest({})},
        {config_path, config_text(dir, db)},
    };
}

}  // namespace runner
