// What `revision` and `merge` share: turn a planned revision into its two files, keep HEADS
// current, and print the paths written.
#pragma once

#include "app/context.hpp"
#include "authoring/new_revision.hpp"

namespace runner {

// Renders the directory's templates (or the built-in ones) for `revision`, checks the result,
// creates the .up.sql/.down.sql pair, rewrites HEADS when the directory has one, and prints
// each path written on a line of stdout. Nothing is written when a check fails. With `bodies`
// (autogenerate), each file is its template's header followed by the generated SQL.
void write_revision_files(Context& ctx, const RevisionGraph& graph, const NewRevision& revision,
                          const GeneratedBodies* bodies = nullptr);

}  // namespace runner
