#include "support/run_cli.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

namespace tessel::test {

namespace {

std::string shell_quote(const std::string &s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

} // namespace

std::string read_text(const std::filesystem::path &file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("tessel_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string &name, const std::string &text) const {
  const auto file = path_ / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

CliResult run_cli(const std::vector<std::string> &args, const std::filesystem::path &cwd) {
  static std::atomic<int> counter{0};
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const auto out_file = std::filesystem::temp_directory_path() / ("tessel_cli_out_" + tag);
  const auto err_file = std::filesystem::temp_directory_path() / ("tessel_cli_err_" + tag);
  std::string command = "cd ";
  command += shell_quote(cwd.string());
  command += " && ";
  command += shell_quote(TESSEL_CLI);
  for (const std::string &a : args) {
    command += ' ';
    command += shell_quote(a);
  }
  command += " >";
  command += shell_quote(out_file.string());
  command += " 2>";
  command += shell_quote(err_file.string());
  const int status = std::system(command.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out_file);
  r.err = read_text(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

} // namespace tessel::test
