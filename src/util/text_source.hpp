// A stream of text read in chunks, so large migration files never sit whole in memory.
#pragma once

#include <string>

namespace runner {

class TextSource {
  public:
    TextSource() = default;
    TextSource(const TextSource&) = delete;
    TextSource& operator=(const TextSource&) = delete;
    virtual ~TextSource() = default;
    // Appends the next chunk to `buffer`; returns false (appending nothing) at the end.
    virtual bool read(std::string& buffer) = 0;
};

// All of a string as one chunk (tests, small texts).
class StringSource final : public TextSource {
  public:
    explicit StringSource(std::string text) : text_(std::move(text)) {}
    bool read(std::string& buffer) override {
        if (done_) {
            return false;
        }
        buffer += text_;
        done_ = true;
        return true;
    }

  private:
    std::string text_;
    bool done_ = false;
};

}  // namespace runner
