// Helpers the proof tests add to the integration support: runner processes started together and
// killed at will, read-write queries that recover a crashed database, whole-tree snapshots, and
// the repetition scale and random seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support.hpp"

namespace runner::proof {

using integration::EnvOverrides;
using integration::RunResult;
using integration::StartGate;

// RUNNER_PROOF_SCALE (default 1, at least 1): multiplies the repetitions of every proof test.
int scale();
// RUNNER_PROOF_SEED when set, else a fresh random seed. Tests print it so a failure can be
// replayed.
std::uint64_t seed();

// Sets an environment variable (nullptr: removes it) until destruction, then restores it.
class ScopedEnv {
  public:
    ScopedEnv(std::string name, const char* value);
    ~ScopedEnv();
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string name_;
    std::optional<std::string> saved_;
};

// /dev/shm when it is a writable directory (a RAM file system: fsync costs nothing there, and a
// killed process loses nothing the kernel already has), else "".
std::string ram_tmpdir();

// A runner process started now and waited for later, e.g. after kill_hard() at a chosen moment.
// Its stdout and stderr go to OUTPUT_PREFIX.out and .err; wait() kills it after 120 s.
class RunnerProcess : public integration::ChildProcess {
  public:
    // Runs RUNNER_BINARY with args in cwd (DATABASE_URL removed unless env sets it). With a gate,
    // the child waits until the gate opens before it execs.
    RunnerProcess(const std::vector<std::string>& args, const std::string& cwd,
                  const std::string& output_prefix, const EnvOverrides& env = {},
                  const StartGate* gate = nullptr);
};

// The first column of every row of sql, on a read-write connection: opening it rolls back a hot
// journal or recovers a WAL file the way any SQLite client would. Throws on error.
std::vector<std::string> query_rw(const std::string& db_path, const std::string& sql);

// Copies a file byte for byte; false when the source does not exist.
bool copy_file_if_exists(const std::string& from, const std::string& to);

// Everything under a directory: relative path -> content for files, "<dir>" for directories,
// "<symlink> target" for links, and "<unreadable> size" when a file cannot be read. Equal
// snapshots mean nothing under the directory was created, removed or changed.
std::map<std::string, std::string> tree_snapshot(const std::string& root);

// The names that differ between two snapshots, for failure messages.
std::string tree_difference(const std::map<std::string, std::string>& before,
                            const std::map<std::string, std::string>& after);

}  // namespace runner::proof
