// Starts one throwaway cluster per run (scripts/pg-test-cluster) and stops it when the process
// ends; a fresh database for each test.
#include "pg_cluster.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "db/postgres/pg_session.hpp"

namespace runner::pgtest {

namespace {

Cluster the_cluster;
std::atomic<int> databases{0};

std::string script() {
    return std::string(RUNNER_SOURCE_DIR) + "/scripts/pg-test-cluster";
}

// Runs a shell command, returning its exit status and stdout.
int run_capture(const std::string& command, std::string& out) {
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        throw std::runtime_error("cannot run " + command);
    }
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// Stops the cluster when the process ends (also after a failed start).
struct ClusterOwner {
    ~ClusterOwner() { stop(); }
    void stop() {
        if (!the_cluster.dir.empty()) {
            std::string ignored;
            run_capture(script() + " stop " + the_cluster.dir + " >/dev/null 2>&1", ignored);
            the_cluster.dir.clear();
        }
        if (!root.empty()) {
            ::rmdir(root.c_str());
            root.clear();
        }
    }
    std::string root;
    bool started = false;
    bool unavailable = false;
};
ClusterOwner owner;

}  // namespace

bool start_cluster() {
    if (owner.started || owner.unavailable) {
        return owner.started;
    }
    char dir[] = "/tmp/runner-pg.XXXXXX";
    if (::mkdtemp(dir) == nullptr) {
        throw std::runtime_error("cannot create a temporary directory");
    }
    ::chmod(dir, 0755);  // as root, the server's own user must reach the cluster inside
    owner.root = dir;
    the_cluster.dir = owner.root + "/c";
    std::string out;
    const int rc = run_capture(script() + " start " + the_cluster.dir, out);
    if (rc == 77) {
        owner.stop();
        owner.unavailable = true;
        return false;
    }
    if (rc != 0) {
        owner.stop();
        throw std::runtime_error("scripts/pg-test-cluster start failed (exit " +
                                 std::to_string(rc) + ")");
    }
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        const auto key = line.substr(0, eq);
        const auto value = eq == std::string::npos ? "" : line.substr(eq + 1);
        if (key == "PGHOST") {
            the_cluster.host = value;
        } else if (key == "PGPORT") {
            the_cluster.port = value;
        } else if (key == "PGUSER") {
            the_cluster.user = value;
        }
    }
    // Nothing from the caller's environment may steer the tests to another server.
    for (const char* name : {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGPASSFILE",
                             "PGSERVICE", "PGOPTIONS", "DATABASE_URL"}) {
        ::unsetenv(name);
    }
    owner.started = true;
    return true;
}

const Cluster& cluster() {
    return the_cluster;
}

std::string url_of(const std::string& database) {
    return "postgresql:///" + database + "?host=" + the_cluster.host + "&port=" + the_cluster.port +
           "&user=" + the_cluster.user;
}

void admin_sql(const std::string& database, const std::string& sql) {
    PgSession session(url_of(database), database);
    session.exec(sql, "test setup");
}

std::string fresh_database() {
    const std::string name = "test_" + std::to_string(++databases);
    admin_sql("postgres", "DROP DATABASE IF EXISTS " + name);
    admin_sql("postgres", "CREATE DATABASE " + name + " TEMPLATE template0");
    return name;
}

void add_password_role(const std::string& role, const std::string& password) {
    admin_sql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" +
                              role + "') THEN CREATE ROLE " + role + " LOGIN; END IF; END $$; " +
                              "ALTER ROLE " + role + " PASSWORD '" + password + "'");
    const std::string hba = the_cluster.dir + "/data/pg_hba.conf";
    std::ifstream in(hba);
    std::stringstream text;
    text << in.rdbuf();
    const std::string rule = "local all " + role + " scram-sha-256\n";
    if (text.str().find(rule) == std::string::npos) {
        std::ofstream out(hba, std::ios::trunc);
        out << rule << text.str();
    }
    admin_sql("postgres", "SELECT pg_reload_conf()");
    ::usleep(500'000);  // the postmaster rereads pg_hba.conf on SIGHUP, asynchronously
}

}  // namespace runner::pgtest
