// Lowering of loop nests to LLVM IR.
//
// A nest is emitted outermost loop first. Each loop keeps its own induction variable. The
// index of a dimension (mixed radix: the sum of induction variable * stride over the loops
// of that dimension) and the element offset of each operand's word (linear in the indices,
// as h = p*Hs + r*Hd is) are affine in the induction variables; each loop adds its term as
// it opens. Rolled loops are do-while loops (every trip is at least 1); unrolled loops (and
// loops of trip 1) are emitted as one copy of their body per iteration with the induction
// variable a constant, and constant terms are kept apart from the variable part, so the
// copies share one variable offset and differ by constants (which alias analysis and CSE
// see through). A guard `index < extent` follows every loop after which the dimension's
// index can reach its extent (imperfect factors); a guarded-off iteration skips everything
// inside it, and a guard that is constant in an unrolled copy folds away.
#include "backend/lowering.hpp"

#include <algorithm>
#include <functional>

namespace tessel::backend {

Nest mapping_nest(const Problem &p, const Mapping &m, const LowerOptions &options, bool lockstep) {
  validate(p);
  const std::vector<PlacedLoop> flat = flatten(m);
  for (const PlacedLoop &pl : flat)
    if (pl.loop.trip < 1)
      user_error("mapping", "loop " + std::string(dim_name(pl.loop.dim)) + " " +
                                std::to_string(pl.loop.trip) + ": trip count must be positive");
  for (Dim d : kAllDims)
    if (total_trips(m, d) < p.extent(d))
      user_error("mapping", "the trips of dimension " + std::string(dim_name(d)) + " multiply to " +
                                std::to_string(total_trips(m, d)) + ", less than its extent " +
                                std::to_string(p.extent(d)));
  if (!options.unroll.empty() && options.unroll.size() != flat.size())
    user_error("unroll", "has " + std::to_string(options.unroll.size()) +
                             " entries but the mapping's nest has " + std::to_string(flat.size()) +
                             " loops");
  Nest nest;
  nest.instrumented = lockstep;
  std::int64_t copies = 1;
  for (std::size_t j = 0; j < flat.size(); ++j) {
    const PlacedLoop &pl = flat[j];
    NestLoop x{pl.loop.dim, pl.loop.trip, pl.stride};
    x.unroll = !options.unroll.empty() && options.unroll[j];
    x.temporal = pl.loop.kind == LoopKind::Temporal;
    x.pos = static_cast<int>(j);
    if (x.unroll) {
      copies *= x.trip;
      if (copies > options.max_unrolled_copies)
        user_error("unroll", "the unrolled loops would replicate the body more than " +
                                 std::to_string(options.max_unrolled_copies) + " times");
    }
    nest.loops.push_back(x);
  }
  if (lockstep)
    std::stable_partition(nest.loops.begin(), nest.loops.end(),
                          [](const NestLoop &x) { return x.temporal; });
  return nest;
}

Nest reference_nest(const Problem &p) {
  validate(p);
  Nest nest;
  const Dim order[] = {Dim::G, Dim::N, Dim::K, Dim::C, Dim::P, Dim::Q, Dim::R, Dim::S};
  int pos = 0;
  for (Dim d : order)
    nest.loops.push_back({d, p.extent(d), 1, false, true, pos++});
  return nest;
}

namespace {

class NestEmitter {
  // v + c: a variable part (nullptr for none) and a constant part.
  struct Affine {
    llvm::Value *v = nullptr;
    std::int64_t c = 0;
  };

public:
  NestEmitter(llvm::Module &module, const Problem &p, const Nest &nest, DataType type,
              const std::string &name)
      : ctx_(module.getContext()), module_(module), b_(ctx_), p_(p), nest_(nest) {
    i64_ = b_.getInt64Ty();
    elem_ = type == DataType::Int32 ? static_cast<llvm::Type *>(b_.getInt32Ty())
                                    : static_cast<llvm::Type *>(b_.getFloatTy());
    is_float_ = type == DataType::Float32;
    llvm::Type *data_ptr = llvm_compat::pointer_to(elem_);
    std::vector<llvm::Type *> params = {data_ptr, data_ptr, data_ptr};
    if (nest.instrumented) {
      params.push_back(llvm_compat::pointer_to(i64_));
      params.push_back(llvm_compat::pointer_to(b_.getInt8Ty()));
    }
    auto *fty = llvm::FunctionType::get(b_.getVoidTy(), params, false);
    f_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, module);
    f_->addFnAttr(llvm::Attribute::NoUnwind);
    const char *arg_names[] = {"I", "W", "O", "loop_index", "runtime"};
    for (unsigned a = 0; a < f_->arg_size(); ++a) {
      f_->getArg(a)->setName(arg_names[a]);
      if (a < 3) f_->addParamAttr(a, llvm::Attribute::NoAlias);
    }
    in_ = f_->getArg(0);
    wt_ = f_->getArg(1);
    out_ = f_->getArg(2);
    if (nest.instrumented) {
      loop_index_ = f_->getArg(3);
      runtime_ = f_->getArg(4);
      declare_runtime();
    }
    const Problem &q = p;
    auto e = [&](Dim d) { return q.extent(d); };
    const std::int64_t H = q.input_height(), W = q.input_width();
    auto &co = coef_[idx(Operand::O)];
    co[idx(Dim::Q)] = 1;
    co[idx(Dim::P)] = e(Dim::Q);
    co[idx(Dim::K)] = e(Dim::P) * e(Dim::Q);
    co[idx(Dim::N)] = e(Dim::K) * co[idx(Dim::K)];
    co[idx(Dim::G)] = e(Dim::N) * co[idx(Dim::N)];
    auto &cw = coef_[idx(Operand::W)];
    cw[idx(Dim::S)] = 1;
    cw[idx(Dim::R)] = e(Dim::S);
    cw[idx(Dim::C)] = e(Dim::R) * e(Dim::S);
    cw[idx(Dim::K)] = e(Dim::C) * cw[idx(Dim::C)];
    cw[idx(Dim::G)] = e(Dim::K) * cw[idx(Dim::K)];
    auto &ci = coef_[idx(Operand::I)];
    ci[idx(Dim::S)] = q.dilation_w;
    ci[idx(Dim::Q)] = q.stride_w;
    ci[idx(Dim::R)] = q.dilation_h * W;
    ci[idx(Dim::P)] = q.stride_h * W;
    ci[idx(Dim::C)] = H * W;
    ci[idx(Dim::N)] = e(Dim::C) * H * W;
    ci[idx(Dim::G)] = e(Dim::N) * ci[idx(Dim::N)];
    plan_guards();
  }

  llvm::Function *emit() {
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", f_));
    const std::size_t n = nest_.loops.size();
    if (!nest_.instrumented) {
      emit_range(0, n, [&] { emit_mac(); });
    } else {
      std::size_t temporal = 0;
      while (temporal < n && nest_.loops[temporal].temporal)
        ++temporal;
      b_.CreateCall(rt_begin_, {runtime_});
      emit_range(0, temporal, [&] {
        emit_range(temporal, n, [&] { emit_guarded_mac(); });
        b_.CreateCall(rt_mac_step_end_, {runtime_});
      });
      b_.CreateCall(rt_finish_, {runtime_});
    }
    b_.CreateRetVoid();
    return f_;
  }

private:
  void declare_runtime() {
    llvm::Type *vp = llvm_compat::pointer_to(b_.getInt8Ty());
    llvm::Type *void_ty = b_.getVoidTy();
    auto declare = [&](const char *fn, std::vector<llvm::Type *> args) {
      return module_.getOrInsertFunction(fn, llvm::FunctionType::get(void_ty, args, false));
    };
    rt_begin_ = declare("tessel_rt_begin", {vp});
    rt_step_ = declare("tessel_rt_step", {vp, i64_});
    rt_mac_ = declare("tessel_rt_mac", {vp, i64_, i64_, i64_});
    rt_mac_step_end_ = declare("tessel_rt_mac_step_end", {vp});
    rt_finish_ = declare("tessel_rt_finish", {vp});
  }

  // A plain nest guards after every loop following which its dimension's index can reach
  // the extent. The instrumented nest guards only the MAC: its temporal iterations must all
  // run (a step on which every instance is guarded off is still a step).
  void plan_guards() {
    const std::size_t n = nest_.loops.size();
    guard_after_.assign(n, false);
    DimArray<std::int64_t> max_index{};
    for (std::size_t j = 0; j < n; ++j) {
      const NestLoop &x = nest_.loops[j];
      max_index[idx(x.dim)] += (x.trip - 1) * x.stride;
      if (!nest_.instrumented && max_index[idx(x.dim)] >= p_.extent(x.dim)) guard_after_[j] = true;
    }
    for (Dim d : kAllDims)
      mac_guard_[idx(d)] = nest_.instrumented && max_index[idx(d)] >= p_.extent(d);
  }

  // Index arithmetic (never overflows), skipping the trivial x + 0 and x * 1 so that the IR
  // reads like the loop nest; IRBuilder folds constants.
  static bool is_const(llvm::Value *v, std::int64_t c) {
    auto *k = llvm::dyn_cast<llvm::ConstantInt>(v);
    return k && k->getSExtValue() == c;
  }
  llvm::Value *add(llvm::Value *a, llvm::Value *b, const char *name = "") {
    if (is_const(b, 0)) return a;
    if (is_const(a, 0)) return b;
    return b_.CreateAdd(a, b, name, /*HasNUW=*/true, /*HasNSW=*/true);
  }
  llvm::Value *mul(llvm::Value *a, std::int64_t c, const char *name = "") {
    if (c == 1) return a;
    return b_.CreateMul(a, b_.getInt64(c), name, /*HasNUW=*/true, /*HasNSW=*/true);
  }

  // Emits `then` under `cond`; a constant condition emits it or drops it.
  void emit_if(llvm::Value *cond, const std::function<void()> &then, const char *name) {
    if (auto *c = llvm::dyn_cast<llvm::ConstantInt>(cond)) {
      if (!c->isZero()) then();
      return;
    }
    auto *body = llvm::BasicBlock::Create(ctx_, name, f_);
    auto *cont = llvm::BasicBlock::Create(ctx_, std::string(name) + ".end", f_);
    b_.CreateCondBr(cond, body, cont);
    b_.SetInsertPoint(body);
    then();
    b_.CreateBr(cont);
    b_.SetInsertPoint(cont);
  }

  std::string loop_name(const NestLoop &x) const {
    return std::string(dim_name(x.dim)) + std::to_string(x.pos) + (x.temporal ? "" : "s");
  }

  // Loops [j, end) around `inner`.
  void emit_range(std::size_t j, std::size_t end, const std::function<void()> &inner) {
    if (j == end) {
      inner();
      return;
    }
    const NestLoop &x = nest_.loops[j];
    const std::string name = loop_name(x);
    auto iteration = [&](llvm::Value *iv) {
      const Affine saved_index = index_[idx(x.dim)];
      const OperandArray<Affine> saved_offset = offset_;
      index_[idx(x.dim)] = advance(saved_index, iv, x.stride, (name + ".idx").c_str());
      for (Operand o : kAllOperands)
        offset_[idx(o)] = advance(offset_[idx(o)], iv, x.stride * coef_[idx(o)][idx(x.dim)], "");
      if (nest_.instrumented) {
        llvm::Value *slot = b_.CreateGEP(i64_, loop_index_, b_.getInt64(x.pos));
        b_.CreateStore(iv, slot);
        if (x.temporal)
          emit_if(
              b_.CreateICmpNE(iv, b_.getInt64(0)),
              [&] {
                b_.CreateCall(rt_step_, {runtime_, b_.getInt64(x.pos)});
              },
              (name + ".step").c_str());
      }
      if (guard_after_[j])
        emit_if(
            b_.CreateICmpULT(value(index_[idx(x.dim)]), b_.getInt64(p_.extent(x.dim))),
            [&] { emit_range(j + 1, end, inner); }, (name + ".in").c_str());
      else
        emit_range(j + 1, end, inner);
      index_[idx(x.dim)] = saved_index;
      offset_ = saved_offset;
    };
    if (x.unroll || x.trip == 1) {
      for (std::int64_t i = 0; i < x.trip; ++i)
        iteration(b_.getInt64(i));
      return;
    }
    llvm::BasicBlock *pre = b_.GetInsertBlock();
    auto *header = llvm::BasicBlock::Create(ctx_, name + ".loop", f_);
    b_.CreateBr(header);
    b_.SetInsertPoint(header);
    llvm::PHINode *iv = b_.CreatePHI(i64_, 2, name);
    iv->addIncoming(b_.getInt64(0), pre);
    iteration(iv);
    llvm::Value *next = add(iv, b_.getInt64(1), (name + ".next").c_str());
    iv->addIncoming(next, b_.GetInsertBlock());
    auto *exit = llvm::BasicBlock::Create(ctx_, name + ".exit", f_);
    b_.CreateCondBr(b_.CreateICmpULT(next, b_.getInt64(x.trip)), header, exit);
    b_.SetInsertPoint(exit);
  }

  // a + iv * scale, the constant part kept apart.
  Affine advance(Affine a, llvm::Value *iv, std::int64_t scale, const char *name) {
    if (scale == 0) return a;
    if (auto *k = llvm::dyn_cast<llvm::ConstantInt>(iv)) {
      a.c += k->getSExtValue() * scale;
      return a;
    }
    llvm::Value *term = mul(iv, scale);
    a.v = a.v ? add(a.v, term, name) : term;
    return a;
  }
  llvm::Value *value(const Affine &a, const char *name = "") {
    if (!a.v) return b_.getInt64(a.c);
    return add(a.v, b_.getInt64(a.c), name);
  }

  void emit_guarded_mac() {
    llvm::Value *cond = nullptr;
    for (Dim d : kAllDims)
      if (mac_guard_[idx(d)]) {
        llvm::Value *in = b_.CreateICmpULT(value(index_[idx(d)]), b_.getInt64(p_.extent(d)));
        cond = cond ? b_.CreateAnd(cond, in) : in;
      }
    if (cond)
      emit_if(
          cond, [&] { emit_mac(); }, "mac");
    else
      emit_mac();
  }

  // O[g][n][k][p][q] += I[g][n][c][p*Hs + r*Hd][q*Ws + s*Wd] * W[g][k][c][r][s]
  void emit_mac() {
    llvm::Value *o_off = value(offset_[idx(Operand::O)], "o.off");
    llvm::Value *i_off = value(offset_[idx(Operand::I)], "i.off");
    llvm::Value *w_off = value(offset_[idx(Operand::W)], "w.off");
    const llvm::Align align(4);
    llvm::Value *o_ptr = b_.CreateGEP(elem_, out_, o_off, "o.ptr");
    llvm::Value *iv = b_.CreateAlignedLoad(elem_, b_.CreateGEP(elem_, in_, i_off), align, "i");
    llvm::Value *wv = b_.CreateAlignedLoad(elem_, b_.CreateGEP(elem_, wt_, w_off), align, "w");
    llvm::Value *ov = b_.CreateAlignedLoad(elem_, o_ptr, align, "o");
    llvm::Value *sum = is_float_ ? b_.CreateFAdd(ov, b_.CreateFMul(iv, wv, "prod"), "sum")
                                 : b_.CreateAdd(ov, b_.CreateMul(iv, wv, "prod"), "sum");
    b_.CreateAlignedStore(sum, o_ptr, align);
    if (nest_.instrumented) b_.CreateCall(rt_mac_, {runtime_, w_off, i_off, o_off});
  }

  llvm::LLVMContext &ctx_;
  llvm::Module &module_;
  llvm::IRBuilder<> b_;
  const Problem &p_;
  const Nest &nest_;
  llvm::Type *i64_ = nullptr;
  llvm::Type *elem_ = nullptr;
  bool is_float_ = false;
  llvm::Function *f_ = nullptr;
  llvm::Value *in_ = nullptr, *wt_ = nullptr, *out_ = nullptr;
  llvm::Value *loop_index_ = nullptr, *runtime_ = nullptr;
  llvm::FunctionCallee rt_begin_, rt_step_, rt_mac_, rt_mac_step_end_, rt_finish_;
  DimArray<Affine> index_{};                    // per dimension
  OperandArray<Affine> offset_{};               // per operand: element offset of the word
  OperandArray<DimArray<std::int64_t>> coef_{}; // offset = sum over d of coef[o][d] * index[d]
  std::vector<bool> guard_after_;
  DimArray<bool> mac_guard_{};
};

} // namespace

llvm::Function *lower_nest(llvm::Module &module, const Problem &p, const Nest &nest, DataType type,
                           const std::string &name) {
  return NestEmitter(module, p, nest, type, name).emit();
}

} // namespace tessel::backend
