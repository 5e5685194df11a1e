// The desired schema of autogenerate and `runner diff`, built on a scratch database.
#include "exec/desired_schema.hpp"

#include <cerrno>
#include <cstring>

#include <boost/filesystem/operations.hpp>

#include "db/capabilities.hpp"
#include "migration/script_directory.hpp"
#include "util/text.hpp"

namespace runner {

Schema load_schema_file(Connection& scratch, const SchemaFile& file,
                        const std::vector<std::string>& excluded_tables) {
    const std::string named = file.path + " (" + file.origin + ")";
    boost::system::error_code ec;
    if (boost::filesystem::is_directory(file.path, ec)) {
        throw Error("cannot read the schema file " + named + ": it is a directory");
    }
    std::optional<std::string> text;
    try {
        text = read_file_if_exists(file.path);
    } catch (const Error& e) {
        throw Error("cannot read the schema file " + named + ": " + e.what());
    }
    if (!text) {
        throw Error("no schema file " + named +
                    ": write the desired schema there as CREATE statements ('runner schema > " +
                    file.path +
                    "' starts one from the migrations), or name one "
                    "with --schema-file FILE or schema_file = in runner.ini");
    }
    SchemaCatalog* catalog = scratch.catalog();
    if (catalog == nullptr) {
        throw Error("cannot read a schema from " + scratch.describe() +
                    ": this backend has no schema catalog yet");
    }
    // Never committed: the scratch database is left empty.
    Transaction<Connection> transaction(scratch);
    StringSource source(std::move(*text));
    scratch.run_script(source, file.path, ScriptRun{});
    return catalog->read_schema(excluded_tables);
}

}  // namespace runner
