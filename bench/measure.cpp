// A fine-grained /usr/bin/time for scripts/bench: runs a command REPEAT times and writes its mean
// wall time, peak RSS, exit code and mean CPU time (user + system). Linux keeps a process's RSS
// high-water mark across exec, so the command is forked from this small process rather than from
// the Python harness, whose own RSS would otherwise be reported as the command's.
//   measure RESULT_FILE REPEAT COMMAND [ARGS...]
// writes "SECONDS MAX_RSS_KB EXIT_CODE CPU_SECONDS\n".
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

double seconds_of(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
}

double now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: measure RESULT_FILE REPEAT COMMAND [ARGS...]\n");
        return 2;
    }
    const long repeat = std::max(1L, std::strtol(argv[2], nullptr, 10));
    long max_rss_kb = 0;
    double cpu = 0;
    int code = 0;
    long done = 0;
    const double start = now();
    for (; done < repeat && code == 0; ++done) {
        const pid_t pid = fork();
        if (pid < 0) {
            std::perror("measure: fork");
            return 2;
        }
        if (pid == 0) {
            execvp(argv[3], argv + 3);
            std::fprintf(stderr, "measure: cannot run %s: %s\n", argv[3], std::strerror(errno));
            _exit(127);
        }
        int status = 0;
        rusage usage{};
        while (wait4(pid, &status, 0, &usage) < 0) {
            if (errno != EINTR) {
                std::perror("measure: wait4");
                return 2;
            }
        }
        max_rss_kb = std::max(max_rss_kb, usage.ru_maxrss);
        cpu += seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    const double seconds = (now() - start) / static_cast<double>(done);
    std::FILE* out = std::fopen(argv[1], "w");
    if (out == nullptr) {
        std::perror("measure: result file");
        return 2;
    }
    std::fprintf(out, "%.9f %ld %d %.6f\n", seconds, max_rss_kb, code,
                 cpu / static_cast<double>(done));
    return std::fclose(out) == 0 ? 0 : 2;
}
