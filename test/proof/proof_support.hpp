// Helpers the proof tests add to the integration support: runner processes started together and
// killed at will, read-write queries that recover a crashed database, whole-tree snapshots, and
// the repetition scale and random seed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support.hpp"

namespace runner::proof {

using integration::EnvOverrides;
using integration::RunResult;

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

// Children hold the read end of a pipe and wait for EOF before they exec, so closing the write
// end starts all of them at the same moment.
class StartGate {
  public:
    StartGate();
    ~StartGate();
    StartGate(const StartGate&) = delete;
    StartGate& operator=(const StartGate&) = delete;

    int wait_fd() const { return read_fd_; }
    int open_fd() const { return write_fd_; }  // -1 once open
    // Lets every child through; only the first call does anything.
    void open();

  private:
    int read_fd_ = -1;
    int write_fd_ = -1;
};

// A runner process whose stdout and stderr go to files in a scratch directory.
class RunnerProcess {
  public:
    // Forks RUNNER_BINARY with args in cwd (DATABASE_URL removed unless env sets it). With a gate,
    // the child waits until the gate opens before it execs.
    RunnerProcess(const std::vector<std::string>& args, const std::string& cwd,
                  const std::string& output_prefix, const EnvOverrides& env = {},
                  const StartGate* gate = nullptr);
    ~RunnerProcess();  // kills and reaps a child that is still running
    RunnerProcess(const RunnerProcess&) = delete;
    RunnerProcess& operator=(const RunnerProcess&) = delete;

    pid_t pid() const { return pid_; }
    void kill_hard();  // SIGKILL; harmless when the child already exited
    // Waits for the child (killing it after timeout) and returns its exit code and output.
    RunResult wait(std::chrono::seconds timeout = std::chrono::seconds(120));

  private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    int status_ = 0;
    std::string out_path_;
    std::string err_path_;
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
