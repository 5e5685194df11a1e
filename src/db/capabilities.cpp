// How a foreign-key violation reads in messages.
#include "db/capabilities.hpp"

#include "util/text.hpp"

namespace runner {

std::string ForeignKeyViolation::describe() const {
    std::string row;
    if (rowid) {
        row = "rowid " + std::to_string(*rowid);
    } else if (key_columns.empty()) {
        row = "row";
    } else if (key_columns.size() == 1) {
        row = "row with " + key_columns[0] + " = " + key_values.at(0);
    } else {
        row = "row with (" + join(key_columns, ", ") + ") = (" + join(key_values, ", ") + ")";
    }
    return table + " " + row + " references a missing row in " + parent;
}

}  // namespace runner
