// Who runs runner and when, as the audit log records it; declared in executor.hpp.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "exec/executor.hpp"

namespace runner {

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

Identity current_identity() {
    Identity who;
    if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') {
        who.user = user;
    } else if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) {
        who.user = pw->pw_name;
    }
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) {
        who.host = host;
    }
    return who;
}

}  // namespace runner
