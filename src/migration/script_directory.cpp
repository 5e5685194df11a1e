// Lists and reads migration files: the only code besides the database backend that touches disk.
#include "migration/script_directory.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>

#include "migration/header.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

namespace fs = boost::filesystem;

// Reads just enough of the file to parse its header; headers are a few hundred bytes. The text
// is scanned again only when it has doubled since the last scan, so every byte is looked at a
// bounded number of times: a statement of megabytes on one line costs no more than reading it,
// and reading stops soon after the header does (a line that starts like SQL ends it). When the
// first read reaches the end of the file, `whole` (if given) receives the file's text.
Header read_header(const std::string& path, std::optional<std::string>* whole = nullptr) {
    InputFile file(path);
    std::string text;
    std::size_t scanned = 0;  // size of the text at the last scan
    std::vector<char> buf(4096);
    while (true) {
        const std::size_t n = file.read(buf.data(), buf.size());
        const bool eof = n == 0 || (n < buf.size() && file.regular());
        const std::string_view chunk(buf.data(), n);
        if (chunk.find('\0') != std::string_view::npos) {
            throw Error(path + ": not a text file (it contains NUL bytes)");
        }
        text.append(chunk);
        if (eof || text.size() >= 2 * scanned) {
            scanned = text.size();
            auto scan = scan_header(text, eof, path);
            if (scan.complete) {
                if (whole != nullptr && eof && text.size() == n) {
                    *whole = std::move(text);
                }
                return std::move(scan.header);
            }
        }
        if (buf.size() < (std::size_t{1} << 16)) {
            buf.resize(buf.size() * 2);  // long files: fewer, larger reads
        }
    }
}

void check_same(const std::string& what, const std::vector<std::string>& up,
                const std::vector<std::string>& down, const std::string& up_path, int up_line,
                const std::string& down_path, int down_line) {
    if (up != down) {
        const auto shown = [](const std::vector<std::string>& v) {
            return v.empty() ? std::string("(empty)") : "'" + join(v, ", ") + "'";
        };
        throw HeaderError(down_path, std::max(down_line, 1),
                          what + " " + shown(down) + " does not match " + shown(up) + " in " +
                              up_path + ":" + std::to_string(std::max(up_line, 1)));
    }
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() > suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower_ascii(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

// Files editors and operating systems leave beside the ones people edit: hidden files (Emacs
// locks ".#x", macOS "._x" resource forks), backups ("x~"), Vim swap files and Emacs autosaves.
bool is_dropping(const std::string& name) {
    const std::string lower = lower_ascii(name);
    return name.empty() || name.front() == '.' || name.back() == '~' ||
           (name.size() > 1 && name.front() == '#' && name.back() == '#') ||
           ends_with(lower, ".swp") || ends_with(lower, ".swo") || ends_with(lower, ".swx");
}

// Why a file whose name ends in .sql is not loaded as a migration, or nothing for other files.
std::optional<std::string> why_ignored(const std::string& name) {
    const std::string lower = lower_ascii(name);
    if (ends_with(lower, kUpSuffix) || ends_with(lower, kDownSuffix)) {
        return std::string("migration file names end in lower-case '") + kUpSuffix + "' or '" +
               kDownSuffix + "'";
    }
    if (ends_with(lower, ".sql")) {
        return std::string("a migration is a pair NAME") + kUpSuffix + " and NAME" + kDownSuffix;
    }
    return std::nullopt;
}

}  // namespace

std::vector<Migration> load_migrations(const std::string& dir, std::vector<std::string>* warnings,
                                       unsigned threads) {
    boost::system::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        if (fs::exists(dir, ec)) {
            throw Error("migrations directory '" + dir + "' is not a directory");
        }
        throw Error("migrations directory '" + dir +
                    "' does not exist (set --dir, or 'dir =' in runner.ini)");
    }
    struct Pair {
        std::string up;
        std::string down;
    };
    std::map<std::string, Pair> pairs;  // ordered by file name: the order people numbered them
    std::map<std::string, std::string> ignored;  // .sql files that are not migrations
    fs::directory_iterator it(dir, ec);
    if (ec) {
        throw Error("cannot list migrations directory '" + dir + "': " + ec.message());
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            throw Error("cannot list migrations directory '" + dir + "': " + ec.message());
        }
        const std::string name = it->path().filename().string();
        const std::string path = (fs::path(dir) / name).lexically_normal().string();
        if (is_dropping(name)) {
            continue;
        }
        if (ends_with(name, kUpSuffix)) {
            pairs[name.substr(0, name.size() - std::strlen(kUpSuffix))].up = path;
        } else if (ends_with(name, kDownSuffix)) {
            pairs[name.substr(0, name.size() - std::strlen(kDownSuffix))].down = path;
        } else if (warnings != nullptr) {
            if (auto why = why_ignored(name)) {
                ignored.emplace(name, path + " is ignored: " + *why);
            }
        }
    }
    if (warnings != nullptr) {
        for (auto& [name, warning] : ignored) {
            warnings->push_back(std::move(warning));
        }
    }

    const auto load_pair = [](const std::string& stem, const Pair& pair) {
        if (pair.up.empty()) {
            throw Error(pair.down + ": has no matching " + stem + kUpSuffix +
                        " (every migration is an .up.sql/.down.sql pair)");
        }
        if (pair.down.empty()) {
            throw Error(pair.up + ": has no matching " + stem + kDownSuffix +
                        " (every migration is an .up.sql/.down.sql pair)");
        }
        std::optional<std::string> up_text;
        const Header up = read_header(pair.up, &up_text);
        const Header down = read_header(pair.down);
        if (up.revision != down.revision) {
            throw HeaderError(pair.down, down.revision_line,
                              "revision '" + down.revision + "' does not match '" + up.revision +
                                  "' in " + pair.up + ":" + std::to_string(up.revision_line));
        }
        check_same("down_revision", up.down_revisions, down.down_revisions, pair.up,
                   up.down_revision_line, pair.down, down.down_revision_line);
        check_same("depends_on", up.depends_on, down.depends_on, pair.up, up.depends_on_line,
                   pair.down, down.depends_on_line);
        check_same("branch_labels", up.branch_labels, down.branch_labels, pair.up,
                   up.branch_labels_line, pair.down, down.branch_labels_line);
        Migration m = migration_from_headers(up, down, pair.up, pair.down);
        m.up_text = std::move(up_text);
        return m;
    };

    // Opening and reading two files per migration is most of the cost, and mostly the
    // kernel's (or the disk's, when the page cache lost them), so large directories are read
    // by a few threads taking chunks in turn. Every result keeps its place, and the first
    // error in file order is the one reported, as when reading one file after another.
    std::vector<const std::pair<const std::string, Pair>*> items;
    items.reserve(pairs.size());
    for (const auto& item : pairs) {
        items.push_back(&item);
    }
    std::vector<std::optional<Migration>> loaded(items.size());
    std::vector<std::exception_ptr> errors(items.size());
    constexpr std::size_t kChunk = 64;
    std::atomic<std::size_t> next{0};
    const auto work = [&]() noexcept {
        for (std::size_t begin; (begin = next.fetch_add(kChunk)) < items.size();) {
            for (std::size_t i = begin; i < std::min(begin + kChunk, items.size()); ++i) {
                try {
                    loaded[i] = load_pair(items[i]->first, items[i]->second);
                } catch (...) {
                    errors[i] = std::current_exception();
                }
            }
        }
    };
    std::vector<std::thread> helpers;
    if (items.size() >= 8 * kChunk) {
        const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
        for (unsigned t = 1; t < (threads == 0 ? std::min(cores, 4U) : threads); ++t) {
            try {
                helpers.emplace_back(work);
            } catch (const std::system_error&) {
                break;  // fewer threads: the others take the chunks
            }
        }
    }
    work();
    for (auto& t : helpers) {
        t.join();
    }
    std::vector<Migration> out;
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (errors[i]) {
            std::rethrow_exception(errors[i]);
        }
        out.push_back(std::move(*loaded[i]));
    }
    return out;
}

std::string heads_manifest_path(const std::string& dir) {
    return (fs::path(dir) / kHeadsManifestFile).lexically_normal().string();
}

std::optional<std::string> read_heads_manifest(const std::string& dir) {
    return read_file_if_exists(heads_manifest_path(dir));
}

namespace {
constexpr std::size_t kChunkBytes = 1 << 20;
}  // namespace

// Hashes chunks on its own thread; at most a few chunks wait, so memory stays bounded.
class FileSource::Hasher {
  public:
    Hasher() : thread_([this] { work(); }) {}
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    ~Hasher() { stop(); }

    void push(std::string chunk) {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
        queue_.push_back(std::move(chunk));
        ready_.notify_one();
    }

    std::string finish() {
        stop();
        return stream_.finish();
    }

  private:
    static constexpr std::size_t kMaxQueued = 4;

    void stop() noexcept {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        ready_.notify_one();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    void work() {
        std::unique_lock lock(mutex_);
        while (true) {
            ready_.wait(lock, [this] { return done_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // done, and everything hashed
            }
            std::string chunk = std::move(queue_.front());
            queue_.pop_front();
            room_.notify_one();
            lock.unlock();
            stream_.update(chunk);
            lock.lock();
        }
    }

    ChecksumStream stream_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable room_;
    std::deque<std::string> queue_;
    bool done_ = false;
    std::thread thread_;  // last: starts after the members it uses exist
};

InputFile::InputFile(std::string path, IfMissing if_missing) : path_(std::move(path)) {
    do {
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0 && errno == ENOENT && if_missing == IfMissing::kStayClosed) {
        return;
    }
    if (fd_ < 0) {
        throw Error("cannot open " + path_ + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
        regular_ = true;
        size_ = static_cast<std::size_t>(st.st_size);
    }
}

InputFile::~InputFile() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

std::size_t InputFile::read(char* into, std::size_t size) {
    while (true) {
        const ssize_t n = ::read(fd_, into, size);
        if (n >= 0) {
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR) {
            throw Error("cannot read " + path_ + ": " + std::strerror(errno));
        }
    }
}

FileSource::FileSource(const std::string& path)
    : file_(path),
      // One more byte than the file holds, so that one read both gets it and finds the end.
      chunk_size_(file_.regular() ? std::clamp<std::size_t>(file_.size() + 1, 4096, kChunkBytes)
                                  : kChunkBytes),
      chunk_(std::make_unique_for_overwrite<char[]>(chunk_size_)) {
    if (file_.size() >= kChunkBytes) {
        hasher_ = std::make_unique<Hasher>();
    }
}

FileSource::~FileSource() = default;

bool FileSource::read(std::string& buffer) {
    if (at_end_) {
        return false;
    }
    const std::size_t n = file_.read(chunk_.get(), chunk_size_);
    // A regular file reads short only at its end: no second call just to be told so.
    at_end_ = n == 0 || (n < chunk_size_ && file_.regular());
    if (n == 0) {
        return false;
    }
    const std::string_view chunk(chunk_.get(), n);
    buffer.append(chunk);
    if (hasher_) {
        hasher_->push(std::string(chunk));
    } else {
        checksum_.update(chunk);
    }
    return true;
}

std::string FileSource::checksum() {
    return hasher_ ? hasher_->finish() : checksum_.finish();
}

std::string file_checksum(const std::string& path, ChecksumStream::Form form) {
    if (form == ChecksumStream::Form::kSql) {
        FileSource source(path);
        std::string buffer;
        while (source.read(buffer)) {
            buffer.clear();
        }
        return source.checksum();
    }
    InputFile file(path);
    ChecksumStream stream(form);
    std::vector<char> buf(1 << 16);
    while (const std::size_t n = file.read(buf.data(), buf.size())) {
        stream.update(std::string_view(buf.data(), n));
    }
    return stream.finish();
}

namespace {
std::string read_all(InputFile& file) {
    std::string text;
    text.reserve(file.size());
    char buf[65536];
    while (const std::size_t n = file.read(buf, sizeof buf)) {
        text.append(buf, n);
    }
    return text;
}
}  // namespace

std::optional<std::string> read_file_if_exists(const std::string& path) {
    InputFile file(path, InputFile::IfMissing::kStayClosed);
    if (!file.is_open()) {
        return std::nullopt;
    }
    return read_all(file);
}

std::string read_file(const std::string& path) {
    InputFile file(path);
    return read_all(file);
}

}  // namespace runner
