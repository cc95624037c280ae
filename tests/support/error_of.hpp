// The message of the UserError that f() throws; the test fails if it throws none.
#pragma once

#include "cost_model/common.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace tessel::test {

template <typename F> std::string error_of(F &&f) {
  try {
    f();
  } catch (const UserError &e) {
    return e.what();
  }
  FAIL("no UserError was thrown");
  return "";
}

} // namespace tessel::test
