// The connection interface's out-of-line parts; see connection.hpp.
#include "db/connection.hpp"

namespace runner {

StatementError::StatementError(std::string origin, int line, std::string db_message,
                               std::string excerpt, int statement, std::string code)
    : Error(origin + ":" + std::to_string(line) + ": " + db_message, {excerpt}),
      origin_(std::move(origin)),
      line_(line),
      statement_(statement),
      excerpt_(std::move(excerpt)),
      db_message_(std::move(db_message)),
      code_(std::move(code)) {}

}  // namespace runner
