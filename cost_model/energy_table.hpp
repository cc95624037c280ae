// Technology tables: the energy per access and the area of a memory derived from its size,
// plus the energies of a MAC and of a hop over the PE array (docs/sweep.md, "Energy
// tables"). The sweep (explorer/sweep.hpp) prices every level of a design point through one.
//
// A table sorts memories into named classes ("rf", "sram", "dram", or any names a user
// table chooses). Each class is a list of points (size in bytes, pJ per 16-bit read and
// write, optionally area in um^2). Between two points the figures are interpolated
// log-log (a power law through the two points: linear in log size for log energy), which
// reproduces exactly both of the Interstellar families, "linear in size" and "x1.5 per
// doubling". A class with a single point is size-independent. Outside a class's range a
// table either refuses (OutsideRange::Error: a UserError naming the table, the class and the
// range), holds the end value (Clamp) or extends the end segment's power law (Extrapolate).
//
// Area: a table whose points give area_um2 (all of a class's points, or none) is
// interpolated the same way. Otherwise the area is a placeholder proportional to capacity:
// area_per_bit_um2 (default 1) per bit, and area_is_placeholder() says so. The built-in
// tables have no published area figures, so their areas are placeholders.
//
// Built-in tables:
//   "interstellar": Yang et al., ASPLOS 2020 (pJ per 16-bit access, 28 nm): register file
//     16 B 0.03 .. 512 B 0.96 (linear in size), SRAM 32 KB 6 .. 512 KB 30.375 (x1.5 per
//     doubling), DRAM 200, hop 0.035, 16-bit MAC 0.075. Sizes outside the ranges are errors.
//   "eyeriss": Chen, Emer, Sze, ISCA 2016, normalized to one 16-bit MAC (65 nm): RF 1,
//     inter-PE NoC 2 (the hop), global buffer 6, DRAM 200, MAC 1; all size-independent, as
//     the paper uses them.
#pragma once

#include "cost_model/json_io.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessel {

struct AccessEnergy {
  double read_pj = 0;  // per 16-bit word
  double write_pj = 0; // per 16-bit word
};

// The interface a technology model offers; TableEnergyModel below implements it from table
// points. Other models (an analytical SRAM model, say) can be added behind it.
class EnergyTable {
public:
  virtual ~EnergyTable() = default;
  virtual const std::string &name() const = 0;
  // The memory classes it knows, e.g. {"rf", "sram", "dram"}.
  virtual std::vector<std::string> classes() const = 0;
  // Energy per 16-bit access of one instance of a memory of class `cls` holding `bytes`
  // bytes (std::nullopt: an unbounded level, e.g. DRAM). Throws UserError (naming the table,
  // the class, the size and the range) when the table cannot price it.
  virtual AccessEnergy access(const std::string &cls, std::optional<std::int64_t> bytes) const = 0;
  // Area of one instance, um^2 (a placeholder when area_is_placeholder()).
  virtual double area_um2(const std::string &cls, std::optional<std::int64_t> bytes) const = 0;
  virtual bool area_is_placeholder(const std::string &cls) const = 0;
  virtual double mac_pj() const = 0; // one 16-bit MAC
  virtual double mac_area_um2() const = 0;
  virtual double hop_pj() const = 0; // one word over one PE-array fanout
  // The table as JSON (the format of energy_table_from_json), to record and hash it.
  virtual Json to_json() const = 0;
};

enum class OutsideRange { Error, Clamp, Extrapolate };

struct TablePoint {
  std::optional<std::int64_t> bytes; // none: the class's only point, size-independent
  AccessEnergy energy;
  std::optional<double> area_um2;
};

class TableEnergyModel final : public EnergyTable {
public:
  struct Data {
    std::string name;
    std::string source; // free text: where the figures come from
    OutsideRange outside = OutsideRange::Error;
    std::map<std::string, std::vector<TablePoint>> classes; // points by ascending size
    double mac_pj = 1.0;
    double mac_area_um2 = 0.0;
    double hop_pj = 0.0;
    double area_per_bit_um2 = 1.0; // the placeholder area model
  };

  // Checks the data (sizes strictly ascending, energies positive, areas all-or-none per
  // class); throws UserError naming `file`, the field path under `path`, and the field.
  TableEnergyModel(Data d, const std::string &file, const std::string &path = "");

  const std::string &name() const override { return d_.name; }
  std::vector<std::string> classes() const override;
  AccessEnergy access(const std::string &cls, std::optional<std::int64_t> bytes) const override;
  double area_um2(const std::string &cls, std::optional<std::int64_t> bytes) const override;
  bool area_is_placeholder(const std::string &cls) const override;
  double mac_pj() const override { return d_.mac_pj; }
  double mac_area_um2() const override { return d_.mac_area_um2; }
  double hop_pj() const override { return d_.hop_pj; }
  Json to_json() const override;
  const Data &data() const { return d_; }

private:
  const std::vector<TablePoint> &points(const std::string &cls) const;
  // Interpolates value(point) at `bytes` (see the header comment).
  template <typename Value>
  double lookup(const std::string &cls, const std::vector<TablePoint> &pts,
                std::optional<std::int64_t> bytes, Value value) const;

  Data d_;
};

// Log-log interpolation between (x0, y0) and (x1, y1) at x (x0 < x1, all positive): the
// power law through both points. Also extrapolates for x outside [x0, x1].
double interpolate_log_log(double x0, double y0, double x1, double y1, double x);

// The built-in tables, by name ("interstellar", "eyeriss"); an unknown name is a UserError
// listing the known ones.
std::shared_ptr<const EnergyTable> builtin_energy_table(std::string_view name);
std::vector<std::string> builtin_energy_table_names();

// A user table:
//   {"name": "mytech", "source": "...", "outside": "error" | "clamp" | "extrapolate",
//    "mac_pj": 0.075, "hop_pj": 0.035, "mac_area_um2": 0, "area_per_bit_um2": 1,
//    "classes": {"rf": [{"bytes": 16, "pj": 0.03}, {"bytes": 512, "pj": 0.96}],
//                "sram": [{"bytes": 32768, "read_pj": 6, "write_pj": 7, "area_um2": 1e5}],
//                "dram": [{"pj": 200}]}}
// Errors name `file` and the field path (under `path`, when the table sits inside another
// file).
std::shared_ptr<const EnergyTable> energy_table_from_json(const Json &j, const std::string &file,
                                                          const std::string &path = "");

} // namespace tessel
