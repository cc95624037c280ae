// The JIT session (ORC LLJIT), the optimization pipeline, and compiled kernels.
#include "backend/counting_runtime.hpp"
#include "backend/jit_kernels.hpp"
#include "backend/lowering.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>

namespace tessel::backend {

namespace {

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

template <typename T> T take(llvm::Expected<T> value, const char *what) {
  if (!value)
    throw std::runtime_error(std::string("LLVM: ") + what + ": " +
                             llvm_compat::error_message(value.takeError()));
  return std::move(*value);
}

void check(llvm::Error err, const char *what) {
  if (err)
    throw std::runtime_error(std::string("LLVM: ") + what + ": " +
                             llvm_compat::error_message(std::move(err)));
}

} // namespace

JitSession::JitSession(int opt_level) {
  initialize_llvm();
  auto builder = take(llvm::orc::JITTargetMachineBuilder::detectHost(), "detecting the host");
  builder.setCodeGenOptLevel(opt_level <= 0   ? llvm::CodeGenOpt::None
                             : opt_level == 1 ? llvm::CodeGenOpt::Less
                             : opt_level == 2 ? llvm::CodeGenOpt::Default
                                              : llvm::CodeGenOpt::Aggressive);
  target_machine_ = take(builder.createTargetMachine(), "creating the target machine");
  jit_ = take(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(builder).create(),
              "creating the JIT");
  // Resolve anything the optimizer introduces (e.g. memset) in this process.
  jit_->getMainJITDylib().addGenerator(
      take(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
               jit_->getDataLayout().getGlobalPrefix()),
           "searching this process's symbols"));
}

JitSession::~JitSession() = default;

std::unique_ptr<llvm::Module> JitSession::new_module(llvm::LLVMContext &context,
                                                     const std::string &name) {
  auto module = std::make_unique<llvm::Module>(name, context);
  module->setDataLayout(jit_->getDataLayout());
  module->setTargetTriple(jit_->getTargetTriple().str());
  return module;
}

void JitSession::add(std::unique_ptr<llvm::Module> module,
                     std::unique_ptr<llvm::LLVMContext> context, int opt_level, bool vectorize) {
  verify_module(*module);
  optimize_module(*module, *target_machine_, opt_level, vectorize);
  check(jit_->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))),
        "adding a module");
}

void *JitSession::lookup(const std::string &name) {
  return llvm_compat::symbol_address(take(jit_->lookup(name), "looking up a kernel"));
}

void JitSession::define_runtime_symbols() {
  llvm::orc::SymbolMap symbols;
  auto put = [&](const char *name, void *address) {
    symbols[jit_->mangleAndIntern(name)] = llvm_compat::absolute_symbol(address);
  };
  put("tessel_rt_begin", reinterpret_cast<void *>(&tessel_rt_begin));
  put("tessel_rt_step", reinterpret_cast<void *>(&tessel_rt_step));
  put("tessel_rt_mac", reinterpret_cast<void *>(&tessel_rt_mac));
  put("tessel_rt_mac_step_end", reinterpret_cast<void *>(&tessel_rt_mac_step_end));
  put("tessel_rt_finish", reinterpret_cast<void *>(&tessel_rt_finish));
  check(jit_->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols))),
        "defining the counting runtime");
}

void optimize_module(llvm::Module &module, llvm::TargetMachine &tm, int opt_level, bool vectorize) {
  if (opt_level <= 0) return;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false; // unrolling is ours (LowerOptions::unroll), never LLVM's
  tuning.LoopInterleaving = false;
  tuning.LoopVectorization = vectorize;
  tuning.SLPVectorization = vectorize;
  llvm::PassBuilder pb(&tm, tuning);
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  const llvm::OptimizationLevel level = opt_level == 1   ? llvm::OptimizationLevel::O1
                                        : opt_level == 2 ? llvm::OptimizationLevel::O2
                                                         : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

void verify_module(const llvm::Module &module) {
  std::string problems;
  llvm::raw_string_ostream out(problems);
  if (llvm::verifyModule(module, &out))
    throw std::logic_error("tessel: generated LLVM IR is malformed: " + out.str());
}

CompiledNests compile_nests(const Problem &p, const std::vector<NamedNest> &nests, DataType type,
                            int opt_level, bool vectorize) {
  const auto start = std::chrono::steady_clock::now();
  CompiledNests result;
  result.session = std::make_shared<JitSession>(opt_level);
  bool instrumented = false;
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = result.session->new_module(*context, "tessel");
  for (const NamedNest &n : nests) {
    lower_nest(*module, p, n.nest, type, n.name);
    instrumented = instrumented || n.nest.instrumented;
  }
  if (instrumented) result.session->define_runtime_symbols();
  result.session->add(std::move(module), std::move(context), opt_level, vectorize);
  for (const NamedNest &n : nests)
    result.functions.push_back(result.session->lookup(n.name));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string print_ir(const Problem &p, const Nest &nest, DataType type, int opt_level,
                     bool vectorize, const std::string &name) {
  JitSession session(opt_level);
  llvm::LLVMContext context;
  auto module = session.new_module(context, "tessel");
  lower_nest(*module, p, nest, type, name);
  verify_module(*module);
  optimize_module(*module, session.target_machine(), opt_level, vectorize);
  std::string text;
  llvm::raw_string_ostream out(text);
  module->print(out, nullptr);
  return out.str();
}

} // namespace tessel::backend

namespace tessel {

struct Kernel::Impl {
  std::shared_ptr<backend::JitSession> session;
  void (*function)(const void *, const void *, void *) = nullptr;
  Problem problem;
  DataType type = DataType::Int32;
  double compile_seconds = 0.0;
};

struct KernelBuilder {
  static Kernel make(const Problem &p, const backend::Nest &nest, const LowerOptions &options,
                     const char *name) {
    backend::CompiledNests c = backend::compile_nests(p, {{nest, name}}, options.type,
                                                      options.opt_level, options.vectorize);
    auto impl = std::make_unique<Kernel::Impl>();
    impl->session = c.session;
    impl->function = reinterpret_cast<void (*)(const void *, const void *, void *)>(c.functions[0]);
    impl->problem = p;
    impl->type = options.type;
    impl->compile_seconds = c.seconds;
    return Kernel(std::move(impl));
  }
};

Kernel::Kernel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Kernel::Kernel(Kernel &&) noexcept = default;
Kernel &Kernel::operator=(Kernel &&) noexcept = default;
Kernel::~Kernel() = default;

void Kernel::run(const void *inputs, const void *weights, void *outputs) const {
  impl_->function(inputs, weights, outputs);
}
const Problem &Kernel::problem() const { return impl_->problem; }
DataType Kernel::type() const { return impl_->type; }
double Kernel::compile_seconds() const { return impl_->compile_seconds; }

Kernel compile_mapping(const Problem &p, const Mapping &m, const LowerOptions &options) {
  return KernelBuilder::make(p, backend::mapping_nest(p, m, options, false), options,
                             "tessel_scheduled");
}

Kernel compile_reference(const Problem &p, const LowerOptions &options) {
  return KernelBuilder::make(p, backend::reference_nest(p), options, "tessel_reference");
}

std::string emit_llvm_ir(const Problem &p, const Mapping &m, const LowerOptions &options) {
  return backend::print_ir(p, backend::mapping_nest(p, m, options, options.instrument),
                           options.type, options.opt_level, options.vectorize,
                           options.instrument ? "tessel_instrumented" : "tessel_scheduled");
}

std::string emit_reference_llvm_ir(const Problem &p, const LowerOptions &options) {
  return backend::print_ir(p, backend::reference_nest(p), options.type, options.opt_level,
                           options.vectorize, "tessel_reference");
}

} // namespace tessel
