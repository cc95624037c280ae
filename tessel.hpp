// Tessel: everything a user program needs to write, lower, evaluate and explore schedules.
//   #include <tessel.hpp>   and link Tessel::tessel (find_package(Tessel)).
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/analytical_model.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/common.hpp"
#include "cost_model/evaluation.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"
#include "dsl/cpp_printer.hpp"
#include "dsl/directive.hpp"
#include "dsl/layer.hpp"
#include "dsl/loop_var.hpp"
#include "dsl/lower.hpp"
#include "dsl/schedule.hpp"
#include "explorer/search.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/dataflows.hpp"
#include "schedules/networks.hpp"
