// RAII owners of libpq's handles. Only the PostgreSQL backend's .cpp files include this (and
// with it <libpq-fe.h>).
#pragma once

#include "db/postgres/libpq_api.hpp"

#include <memory>

namespace runner::pg {

struct ConnCloser {
    void operator()(PGconn* conn) const noexcept { loaded_libpq().PQfinish(conn); }
};
struct ResultClearer {
    void operator()(PGresult* result) const noexcept { loaded_libpq().PQclear(result); }
};
struct MemFreer {
    void operator()(void* p) const noexcept { loaded_libpq().PQfreemem(p); }
};
struct ConninfoFreer {
    void operator()(PQconninfoOption* options) const noexcept {
        loaded_libpq().PQconninfoFree(options);
    }
};

using ConnHandle = std::unique_ptr<PGconn, ConnCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;
using ConninfoHandle = std::unique_ptr<PQconninfoOption, ConninfoFreer>;

}  // namespace runner::pg
