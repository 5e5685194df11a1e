// libpq, loaded when the first PostgreSQL connection is opened rather than linked into runner:
// libpq brings some 25 shared libraries with it (TLS, Kerberos, LDAP, SASL, ...), and mapping and
// relocating them cost every SQLite run most of its start-up time. <libpq-fe.h> supplies the
// types and the functions' signatures; the functions themselves are looked up in libpq.so.5.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace runner::pg {

// The libpq functions runner calls, named as libpq names them.
struct LibPq {
    decltype(&::PQconnectdbParams) PQconnectdbParams;
    decltype(&::PQstatus) PQstatus;
    decltype(&::PQerrorMessage) PQerrorMessage;
    decltype(&::PQpass) PQpass;
    decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor;
    decltype(&::PQtransactionStatus) PQtransactionStatus;
    decltype(&::PQfinish) PQfinish;
    decltype(&::PQexec) PQexec;
    decltype(&::PQexecParams) PQexecParams;
    decltype(&::PQgetResult) PQgetResult;
    decltype(&::PQresultStatus) PQresultStatus;
    decltype(&::PQresultErrorMessage) PQresultErrorMessage;
    decltype(&::PQresultErrorField) PQresultErrorField;
    decltype(&::PQcmdTuples) PQcmdTuples;
    decltype(&::PQntuples) PQntuples;
    decltype(&::PQnfields) PQnfields;
    decltype(&::PQftype) PQftype;
    decltype(&::PQgetisnull) PQgetisnull;
    decltype(&::PQgetvalue) PQgetvalue;
    decltype(&::PQgetlength) PQgetlength;
    decltype(&::PQgetCopyData) PQgetCopyData;
    decltype(&::PQputCopyEnd) PQputCopyEnd;
    decltype(&::PQclear) PQclear;
    decltype(&::PQfreemem) PQfreemem;
    decltype(&::PQconninfoFree) PQconninfoFree;
    // Pipeline mode (libpq 14 and later); null with an older libpq, which then gets one
    // statement per round trip.
    decltype(&::PQsendQueryParams) PQsendQueryParams;
    decltype(&::PQenterPipelineMode) PQenterPipelineMode;
    decltype(&::PQexitPipelineMode) PQexitPipelineMode;
    decltype(&::PQpipelineSync) PQpipelineSync;
};

// libpq, loaded on the first call (thread-safe). Throws DatabaseError naming `shown` (the
// database being opened, password masked) when libpq.so.5 is missing or lacks a function.
const LibPq& libpq(const std::string& shown);

// libpq once it is loaded; only for code that holds a libpq handle (so libpq is loaded), such
// as the handles' deleters, which must not throw.
const LibPq& loaded_libpq() noexcept;

}  // namespace runner::pg
