// How `runner diff` and `revision --autogenerate` tell people what the schema file changes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "schema/diff.hpp"

namespace runner {

// "the heads (a1, b2)", "the head (a1)", or "base (no migrations yet)".
std::string heads_phrase(const std::vector<std::string>& heads);

// "schema.sql agrees with the migrations at the head (a1)".
std::string agreement_line(const std::string& schema_file, const std::vector<std::string>& heads);

// "schema.sql differs from the migrations at the head (a1) in 2 places: the SQL above is the
// upgrade 'runner revision --autogenerate' would write".
std::string difference_line(const std::string& schema_file, const std::vector<std::string>& heads,
                            std::size_t count);

// "No changes in schema detected: schema.sql agrees with the migrations at the head (a1);
// nothing was written" (autogenerate with nothing to write).
std::string no_changes_line(const std::string& schema_file, const std::vector<std::string>& heads);

// "Review needed: 2 notes marked REVIEW in the files above; read them before upgrading".
std::string review_line(std::size_t notes);

// {"command":"diff","schema_file","heads":[],"agree","differences":[...],"up","down",
// "exit_code"}; up and down are null when the schemas agree.
std::string render_schema_change_json(const std::string& schema_file,
                                      const std::vector<std::string>& heads,
                                      const std::vector<SchemaDifference>& differences,
                                      const std::string& up, const std::string& down,
                                      int exit_code);

}  // namespace runner
