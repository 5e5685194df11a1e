// The PostgreSQL backend's entry in a runner built without it (cmake -DRUNNER_POSTGRES=OFF): the
// URL dispatch table keeps its line, and a PostgreSQL database name is refused by name.
#include "db/postgres/open_postgres.hpp"

namespace runner {

std::unique_ptr<Connection> open_postgres(const std::string& /*url*/, const std::string& shown,
                                          OpenMode /*mode*/, const OpenOptions& /*options*/) {
    throw Error("database '" + shown +
                "' is a PostgreSQL database, and this runner was built without PostgreSQL "
                "support (rebuild with cmake -DRUNNER_POSTGRES=ON and libpq-dev installed)");
}

}  // namespace runner
