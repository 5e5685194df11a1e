// The throwaway PostgreSQL cluster of one pg_tests run (scripts/pg-test-cluster), started
// before the first test and stopped after the last, and a fresh database for each test.
#pragma once

#include <string>

namespace runner::pgtest {

struct Cluster {
    std::string dir;   // the cluster's directory: data, log and Unix socket
    std::string host;  // PGHOST: the socket directory
    std::string port;
    std::string user;  // the superuser role, named after the caller
};

// Starts the cluster once per process (later calls return at once); it stops when the process
// ends. False when scripts/pg-test-cluster says no server can be installed here (exit 77).
bool start_cluster();
// The running cluster (start_cluster() started it).
const Cluster& cluster();

// Creates a new, empty database and returns its name (test_<n>).
std::string fresh_database();
// postgresql:///NAME?host=...&port=...: a URL of the cluster's database NAME.
std::string url_of(const std::string& database);
// Runs SQL on database NAME as the superuser (psql-free: through libpq in the backend).
void admin_sql(const std::string& database, const std::string& sql);
// Adds a role LOGIN with `password` that must authenticate with it (scram-sha-256) on the
// cluster's socket; every other role keeps trust.
void add_password_role(const std::string& role, const std::string& password);

}  // namespace runner::pgtest
