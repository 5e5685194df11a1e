// See libpq_api.hpp. The library handle stays open for the life of the process: libpq keeps
// process-wide state (OpenSSL, Kerberos), and unloading it under live connections is undefined.
#include "db/postgres/libpq_api.hpp"

#include <dlfcn.h>

#include <string>

#include "util/error.hpp"

namespace runner::pg {

namespace {

// The soname Debian's libpq5 package installs (libpq's ABI has been 5 since PostgreSQL 8.2).
constexpr const char* kLibPqSoname = "libpq.so.5";

struct Loaded {
    LibPq api{};
    std::string failure;  // empty when every function was found
};

// Looks `name` up in `library`; the first function missing is the failure reported.
template <typename Function>
void find(void* library, const char* name, Function& into, std::string& failure) {
    into = reinterpret_cast<Function>(dlsym(library, name));
    if (into == nullptr && failure.empty()) {
        failure = std::string(kLibPqSoname) + " has no " + name + " (libpq too old?)";
    }
}

Loaded load() {
    Loaded loaded;
    void* library = dlopen(kLibPqSoname, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* why = dlerror();
        loaded.failure = std::string("PostgreSQL's client library could not be loaded (") +
                         (why != nullptr ? why : kLibPqSoname) +
                         "); install it (Debian: apt-get install libpq5)";
        return loaded;
    }
    auto& api = loaded.api;
    auto& failure = loaded.failure;
#define RUNNER_FIND(name) find(library, #name, api.name, failure)
    RUNNER_FIND(PQconnectdbParams);
    RUNNER_FIND(PQstatus);
    RUNNER_FIND(PQerrorMessage);
    RUNNER_FIND(PQpass);
    RUNNER_FIND(PQsetNoticeProcessor);
    RUNNER_FIND(PQtransactionStatus);
    RUNNER_FIND(PQfinish);
    RUNNER_FIND(PQexec);
    RUNNER_FIND(PQexecParams);
    RUNNER_FIND(PQgetResult);
    RUNNER_FIND(PQresultStatus);
    RUNNER_FIND(PQresultErrorMessage);
    RUNNER_FIND(PQresultErrorField);
    RUNNER_FIND(PQcmdTuples);
    RUNNER_FIND(PQntuples);
    RUNNER_FIND(PQnfields);
    RUNNER_FIND(PQftype);
    RUNNER_FIND(PQgetisnull);
    RUNNER_FIND(PQgetvalue);
    RUNNER_FIND(PQgetlength);
    RUNNER_FIND(PQgetCopyData);
    RUNNER_FIND(PQputCopyEnd);
    RUNNER_FIND(PQclear);
    RUNNER_FIND(PQfreemem);
    RUNNER_FIND(PQconninfoFree);
#undef RUNNER_FIND
    // Missing before libpq 14: pipelines are then not used (PQenterPipelineMode left null).
    std::string too_old;
    find(library, "PQsendQueryParams", api.PQsendQueryParams, too_old);
    find(library, "PQexitPipelineMode", api.PQexitPipelineMode, too_old);
    find(library, "PQpipelineSync", api.PQpipelineSync, too_old);
    find(library, "PQenterPipelineMode", api.PQenterPipelineMode, too_old);
    if (!too_old.empty()) {
        api.PQenterPipelineMode = nullptr;
    }
    return loaded;
}

const Loaded& loaded() {
    static const Loaded once = load();
    return once;
}

}  // namespace

const LibPq& libpq(const std::string& shown) {
    const auto& once = loaded();
    if (!once.failure.empty()) {
        throw DatabaseError("cannot connect to " + shown + ": " + once.failure, "08001");
    }
    return once.api;
}

const LibPq& loaded_libpq() noexcept {
    return loaded().api;
}

}  // namespace runner::pg
