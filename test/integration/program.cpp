// Runs programs other than runner (git, dot, bash scripts) for the integration tests.
#include "program.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace runner::integration {

RunResult run_program(const std::vector<std::string>& argv, const std::string& cwd,
                      const EnvOverrides& env, const std::string& input) {
    // Output goes through files, so a chatty child never blocks on a full pipe.
    const TempDir io;
    const std::string in_path = io / "stdin";
    const std::string out_path = io / "stdout";
    const std::string err_path = io / "stderr";
    write_file(in_path, input);

    std::vector<std::string> argv_storage = argv;
    std::vector<char*> args;
    for (auto& a : argv_storage) {
        args.push_back(a.data());
    }
    args.push_back(nullptr);
    EnvOverrides changes = env;
    changes.try_emplace("DATABASE_URL", std::nullopt);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        if (changes.count(entry.substr(0, entry.find('='))) == 0) {
            env_storage.push_back(entry);
        }
    }
    for (const auto& [name, value] : changes) {
        if (value) {
            env_storage.push_back(name + "=" + *value);
        }
    }
    std::vector<char*> envp;
    for (auto& e : env_storage) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            break;
        }
        if (done < 0 && errno != EINTR) {
            throw std::runtime_error("waitpid: " + std::string(std::strerror(errno)));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = file_bytes(out_path);
    result.err = file_bytes(err_path);
    return result;
}

bool have_program(const std::string& name) {
    const TempDir tmp;
    return run_program({"sh", "-c", "command -v \"$0\" >/dev/null", name}, tmp.path()).exit_code ==
           0;
}

}  // namespace runner::integration
