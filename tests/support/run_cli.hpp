// Running the built `tessel` binary from tests (TESSEL_CLI holds its path), with files in a
// fresh temporary directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tessel::test {

struct CliResult {
  int exit_code = -1;
  std::string out; // stdout
  std::string err; // stderr
};

// Runs `tessel <args...>` in `cwd`; each argument is passed as is (quoted for the shell).
CliResult run_cli(const std::vector<std::string> &args, const std::filesystem::path &cwd);

// A temporary directory, removed with everything in it when the object goes.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return path_; }
  // Writes a file in the directory and returns its path.
  std::filesystem::path write(const std::string &name, const std::string &text) const;

private:
  std::filesystem::path path_;
};

std::string read_text(const std::filesystem::path &file);

} // namespace tessel::test
