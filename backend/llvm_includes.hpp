// Every LLVM header the backend uses, and the few helpers that paper over API differences
// between LLVM versions. Private to backend/*.cpp: nothing outside backend/ includes it.
// Written against LLVM 14 (Debian's llvm-dev); to move to a newer LLVM, adjust this file.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/JITSymbol.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Type.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/OptimizationLevel.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <string>

namespace tessel::llvm_compat {

// The address of a symbol found by LLJIT::lookup, as a pointer.
template <typename Symbol> void *symbol_address(const Symbol &sym) {
#if LLVM_VERSION_MAJOR >= 15
  return sym.template toPtr<void *>();
#else
  return reinterpret_cast<void *>(static_cast<std::uintptr_t>(sym.getAddress()));
#endif
}

// A symbol map entry for a function of this process, for orc::absoluteSymbols.
inline auto absolute_symbol(void *address) {
#if LLVM_VERSION_MAJOR >= 17
  return llvm::orc::ExecutorSymbolDef(llvm::orc::ExecutorAddr::fromPtr(address),
                                      llvm::JITSymbolFlags::Exported);
#else
  return llvm::JITEvaluatedSymbol(llvm::pointerToJITTargetAddress(address),
                                  llvm::JITSymbolFlags::Exported);
#endif
}

// A pointer type in address space 0 (typed pointers before LLVM 15 become opaque later).
inline llvm::PointerType *pointer_to(llvm::Type *element) {
  return llvm::PointerType::getUnqual(element);
}

// The message of an llvm::Error (consumes it).
inline std::string error_message(llvm::Error err) { return llvm::toString(std::move(err)); }

} // namespace tessel::llvm_compat
