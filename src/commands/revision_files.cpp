// What `revision` and `merge` share: turn a planned revision into its two files, keep HEADS
// current, and print the paths written.
#include "commands/revision_files.hpp"

#include <ctime>
#include <ostream>

#include <boost/filesystem/path.hpp>

#include "authoring/heads_manifest.hpp"
#include "authoring/naming.hpp"
#include "authoring/script_template.hpp"
#include "migration/script_directory.hpp"
#include "migration/script_writer.hpp"

namespace runner {
namespace {

Template load_template(const std::string& dir, const char* name, std::string_view fallback,
                       const char* fallback_name) {
    const std::string path = (boost::filesystem::path(dir) / name).lexically_normal().string();
    if (auto text = read_file_if_exists(path)) {
        return {std::move(*text), path};
    }
    return {std::string(fallback), fallback_name};
}

}  // namespace

void write_revision_files(Context& ctx, const RevisionGraph& graph, const NewRevision& revision,
                          const GeneratedBodies* bodies) {
    const std::string& dir = ctx.settings().dir;
    const Template up =
        load_template(dir, kUpTemplateFile, kDefaultUpTemplate, "the built-in up template");
    const Template down =
        load_template(dir, kDownTemplateFile, kDefaultDownTemplate, "the built-in down template");
    const Draft draft =
        draft_files(graph, revision, up, down, format_create_date(std::time(nullptr)), dir, bodies);
    const bool has_manifest = read_heads_manifest(dir).has_value();

    create_files({{draft.up_path, draft.up_text}, {draft.down_path, draft.down_text}});
    ctx.out() << draft.up_path << "\n" << draft.down_path << "\n";
    if (has_manifest) {
        const std::string path = heads_manifest_path(dir);
        try {
            replace_file(path, render_heads_manifest(draft.heads_after));
        } catch (const Error& e) {
            throw Error(std::string(e.what()) + "; " + draft.up_path + " and " + draft.down_path +
                        " were written, so update " + path + " with 'runner heads --refresh'");
        }
    }
}

}  // namespace runner
