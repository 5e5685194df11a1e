// stdout and stderr as commands see them: counted, so the dispatcher knows whether anything was
// printed, and for people with terminal control characters escaped.
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>

namespace runner {

// A stream buffer in front of another. With `escape`, what passes through is made
// terminal_safe(); flushing forwards the flush, and a failed write fails the stream.
class OutputBuf : public std::streambuf {
  public:
    OutputBuf(std::streambuf* target, bool escape) : target_(target), escape_(escape) {}
    OutputBuf(const OutputBuf&) = delete;
    OutputBuf& operator=(const OutputBuf&) = delete;
    ~OutputBuf() override;

    // Bytes the program wrote so far (before escaping).
    std::size_t written() const { return written_; }

  protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

  private:
    // Passes on what is pending; unless `all`, keeps a UTF-8 sequence cut at the end.
    bool drain(bool all);

    std::streambuf* target_;
    bool escape_;
    std::string pending_;
    std::size_t written_ = 0;
};

}  // namespace runner
